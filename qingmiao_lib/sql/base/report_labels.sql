-- base/report_labels.sql — what the report's cover prints from the rules file: the
-- classification line (report.classification) and the rules' title (meta.title).
-- Grain: one row. Parameters: none.
select rule_txt('report.classification') as classification, rule_txt('meta.title') as title;
