-- evaluation/shares.sql — the 优秀 shares one person's record (person_history.sql) compares
-- with, per year: the whole jurisdiction's, and each unit's over the persons holding a post in
-- it on 31 December of that year (eval_excellent_shares, evaluation/valid_grades.sql, computed
-- from the records). Each reads every grade of the range and is the same for every person of a
-- unit, so evaluation.person_history computes every unit's at once and keeps them, or only the
-- person's unit when it cannot keep them — and reads the stored table instead
-- (evaluation/shares_stored.sql) while it holds the years and is current.
-- Grain: one row per year in [$first_year, $year] with a graded grade (unit_id NULL: the
--   jurisdiction's), and one per unit and year with a graded member.
-- Parameters: $first_year, $year, $units (VARCHAR[] of unit_id, NULL = every unit; the
--   jurisdiction's rows are there whatever it is).
-- Columns: unit_id (NULL: the jurisdiction), year (INTEGER), share (优秀 / graded).
select unit_id, year, share
from eval_excellent_shares($first_year::integer, $year::integer, $units::varchar[])
order by unit_id nulls first, year;
