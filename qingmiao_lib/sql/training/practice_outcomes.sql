-- training/practice_outcomes.sql — promotion within a window after a first frontline posting,
-- compared with peers of the same entry cohort who had no posting. A comparison of groups, not a
-- causal claim: postings go preferentially to strong performers.
-- Grain: one row per entry cohort with at least one practised person whose window is complete,
--   plus one row entry_cohort = NULL for all cohorts together.
-- Parameters: $as_of (DATE), $window_months (INTEGER), and the slice filters $units, $unit_kinds,
--   $cohorts (NULL = none).
-- Definitions: promotion = a rank promotion (ranks.reason 晋升) or a leadership appointment
--   (training/leadership_steps.sql). Practised person: first posting started on t with
--   t + window ≤ $as_of; promoted when a promotion starts in (t, t + window]. Strata = (entry
--   cohort, year P of the first posting). Peers of a stratum: persons of that cohort active on
--   1 July of P, with no posting started on or before 1 July P + window; promoted when a promotion
--   starts in (1 July P, 1 July P + window]; only strata with 1 July P + window ≤ $as_of.
--   peer_rate is standardised to the practised: the strata's peer rates weighted by their
--   numbers of practised persons.
-- Columns: entry_cohort, practised, practised_promoted, practised_rate, peers (person-strata),
--   peer_rate, difference (practised_rate − peer_rate, in shares).
with
people as (
    select person_id, entry_date, exit_date, entry_cohort
    from training_people($as_of::date)
    where training_in_slice(unit_id, unit_kind, entry_cohort, $units, $unit_kinds, $cohorts)
),
first_posting as (
    select person_id, min(start_date) as first_start
    from practices
    where start_date <= $as_of::date
    group by person_id
),
promotions as (
    select person_id, start_date from ranks
    where reason = '晋升' and start_date <= $as_of::date
    union all
    select person_id, start_date from training_leadership_steps($as_of::date)
),
practised as (
    select p.person_id, p.entry_cohort, year(f.first_start) as posting_year,
           exists (
               select 1 from promotions as r
               where r.person_id = p.person_id and r.start_date > f.first_start
                 and r.start_date <= f.first_start + to_months($window_months::integer)
           ) as promoted,
    from people as p
    join first_posting as f using (person_id)
    where f.first_start + to_months($window_months::integer) <= $as_of::date
),
strata as (
    select entry_cohort, posting_year,
           make_date(posting_year, 7, 1) as ref,
           count(*) as practised,
           count(*) filter (where promoted) as practised_promoted,
    from practised
    group by entry_cohort, posting_year
    having make_date(posting_year, 7, 1) + to_months($window_months::integer) <= $as_of::date
),
peers as (
    select s.entry_cohort, s.posting_year, p.person_id,
           exists (
               select 1 from promotions as r
               where r.person_id = p.person_id and r.start_date > s.ref
                 and r.start_date <= s.ref + to_months($window_months::integer)
           ) as promoted,
    from strata as s
    join people as p
      on p.entry_cohort = s.entry_cohort
     and active_on(p.entry_date, p.exit_date, s.ref)
    left join first_posting as f using (person_id)
    where f.first_start is null or f.first_start > s.ref + to_months($window_months::integer)
),
peer_strata as (
    select entry_cohort, posting_year,
           count(*) as peers,
           count(*) filter (where promoted) / count(*) as peer_rate,
    from peers
    group by entry_cohort, posting_year
),
joined as (
    select s.entry_cohort, s.practised, s.practised_promoted,
           coalesce(ps.peers, 0) as peers, ps.peer_rate,
    from strata as s
    left join peer_strata as ps using (entry_cohort, posting_year)
),
by_cohort as (
    select
        entry_cohort,
        sum(practised)::bigint as practised,
        sum(practised_promoted)::bigint as practised_promoted,
        sum(peers)::bigint as peers,
        sum(practised * peer_rate) filter (where peer_rate is not null)
            / sum(practised) filter (where peer_rate is not null) as peer_rate,
    from joined
    group by grouping sets ((entry_cohort), ())
),
final as (
    select
        entry_cohort::integer as entry_cohort,
        practised, practised_promoted,
        practised_promoted / practised as practised_rate,
        peers, peer_rate,
        practised_promoted / practised - peer_rate as difference,
    from by_cohort
)
select * from final
order by entry_cohort nulls last;
