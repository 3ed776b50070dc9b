-- The top of a range ("154,000 to 172,000"), whose bottom is figure_value;
-- NULL for a single figure.

ALTER TABLE claims ADD COLUMN figure_max DOUBLE PRECISION;
ALTER TABLE evidence ADD COLUMN figure_max DOUBLE PRECISION;
