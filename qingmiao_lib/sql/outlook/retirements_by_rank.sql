-- outlook/retirements_by_rank.sql — statutory retirements per year ahead and rank held on as_of,
-- in each unit (the places of a quota that names a unit) and over the jurisdiction.
-- Grain: one row per (period, unit_id, rank) with at least one retirement; unit_id NULL = persons
--   without a post on as_of; rank NULL = persons without a rank.
-- Parameters: $as_of (DATE), $years (INTEGER ≥ 1), $counties (VARCHAR[] of county codes on a
--   combined database: the retirements of those counties' persons; NULL = all).
-- Columns: period, unit_id, rank, rank_step, retirements.
with
final as (
    select period, unit_id, rank, rank_step, count(*)::bigint as retirements,
    from retirements_ahead($as_of::date, $years::integer)
    where $counties::varchar[] is null or list_contains($counties::varchar[], county_of(person_id))
    group by period, unit_id, rank, rank_step
)
select * from final
order by period, rank_step nulls first, unit_id;
