-- snapshots/grade_stamp.sql — the fingerprint of what grade_years is computed from (see
-- snapshots/grade_years.sql): stored in meta 'grade_years_stamp' when the table is written,
-- recomputed by pipeline.py before it trusts the table; any difference sends the eligibility to
-- the records. annual_assessments is fingerprinted by its row count alone (read from table
-- metadata: a content hash of ~17 million rows would cost more than the table saves), so an
-- insert or delete shows but an UPDATE of a grade in place does not — as with lecture_marks and
-- training_years, the importer replaces the records and refreshes in one transaction.
-- Grain: one row, one column (stamp VARCHAR). Parameters: none.
select 'v1|annual=' || count(*) as stamp
from annual_assessments;
