package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/factdesk/factdesk/bot"
	"github.com/factdesk/factdesk/bot/shell"
	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/digest"
)

// The digest feature: the config's schedules, the chat command
// "digest [schedule]", the subcommand `factdesk digest`, and the scheduler
// that `factdesk run` starts.
// attachDigests gives a desk its digest runner and the chat command.
func attachDigests(ctx context.Context, d *Desk) error {
	schedules, err := digest.ParseAll(d.Config.Schedules)
	if err != nil {
		return err
	}
	r := &digest.Runner{
		Store: d.DB, Schedules: schedules, Clock: d.Clock, Rules: d.Engine.Rules,
		// The engine's map: platforms add their limits to it as they start.
		Limits: d.Engine.Limits, Permit: d.Engine.RequireEditor, Logger: d.Logger.With("feature", "digest"),
		Notify: d.Dispatcher.Kick, Names: d.Names,
	}
	d.Digests = r
	d.Router.Register(bot.Spec{
		Name: "digest", Usage: "digest [schedule]", EditorOnly: true,
		Summary: "post the digest of disputed, stale and unassigned claims here, now",
		Parse: func(cmd *bot.Command, rest string) error {
			cmd.Args = strings.Fields(rest)
			if len(cmd.Args) > 1 {
				return workflows.Errorf(workflows.EINVALID, "usage: digest [schedule]")
			}
			return nil
		},
	}, func(ctx context.Context, req workflows.Request, cmd bot.Command) error {
		name := ""
		if len(cmd.Args) > 0 {
			name = cmd.Args[0]
		}
		_, err := r.Command(ctx, req, name)
		return err
	})
	return nil
}

// runDigests starts the scheduler in `factdesk run`, also with no
// schedules yet: a config reload may add some.
func runDigests(ctx context.Context, d *Desk) (func(ctx context.Context) error, error) {
	r := d.Digests
	if r == nil {
		return nil, nil
	}
	for _, s := range r.Schedules {
		d.Logger.Info("digest scheduled", "schedule", s.Name, "cron", s.Cron, "platform", s.Platform,
			"channel", s.Channel, "next", s.Next(d.Clock.Now()))
	}
	return r.Run, nil
}

// cmdDigest posts a digest now, as the chat command does, from the shell:
// to the schedule's own channel, delivered by the running desk (or right
// here for a shell schedule). --dry-run prints it and writes nothing, as
// does a desk with no schedule, which has nowhere to post it.
func (m *Main) cmdDigest(ctx context.Context, args []string) error {
	fs, cfgPath := m.flags("digest")
	name := fs.String("schedule", "", "the schedule whose channel and sections to use (default: the first)")
	dry := fs.Bool("dry-run", false, "print the digest instead of posting it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("digest takes no arguments; use --schedule NAME")
	}
	d, err := m.openConfigured(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer d.Close()
	cfg := d.Config
	r := d.Digests
	unscheduled := len(cfg.Schedules) == 0 && !*dry
	if unscheduled {
		// With no schedule there is no channel to post to: the digest is
		// printed here and not recorded, so the next digest in chat still
		// counts from the last one that was posted.
		fmt.Fprintln(m.Stdout, "no digest schedule is configured: printed here, not posted or recorded (schedules: in the config posts one)")
	}
	if *dry || unscheduled {
		msgs, err := r.Preview(ctx, *name)
		if err != nil {
			return err
		}
		if len(msgs) == 0 {
			fmt.Fprintln(m.Stdout, "nothing unresolved; the schedule would post nothing")
			return nil
		}
		fmt.Fprint(m.Stdout, digest.Text(msgs))
		return nil
	}
	res, err := r.Command(ctx, workflows.Request{Actor: workflows.System}, *name)
	if err != nil {
		return err
	}
	run := res.Run
	if run.Platform == shell.Platform {
		del, err := shell.NewDeliverer(m.Stdout, cfg.Shell.Transcript)
		if err != nil {
			return err
		}
		defer del.Close()
		d.Dispatcher.Deliverers[shell.Platform] = del
		_, err = d.Dispatcher.Drain(ctx)
		return err
	}
	fmt.Fprintf(m.Stdout, "digest %s: %d claims in %d messages queued for %s %s; the running desk delivers them\n",
		run.Schedule, run.Items, run.Messages, run.Platform, run.Channel)
	return nil
}
