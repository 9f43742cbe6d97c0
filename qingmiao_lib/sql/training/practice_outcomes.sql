-- training/practice_outcomes.sql — promotion within a window after a first frontline posting,
-- compared with peers of the same entry cohort who had no posting. A comparison of groups, not a
-- causal claim: postings go preferentially to strong performers.
-- Grain: one row per entry cohort with at least one practised person whose window is complete,
--   plus one row entry_cohort = NULL for all cohorts together.
-- Parameters: $as_of (DATE), $window_months (INTEGER), and the slice filters $units, $counties,
--   $unit_kinds, $cohorts (NULL = none).
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
-- Method (no person × stratum join): every date condition on 1 July P is a range of years P.
--   With J(d) = the last year P whose 1 July is before d (year(d), less one when d is on or
--   before 1 July): entry_date ≤ 1 July P ⇔ P > J(entry_date); exit_date > 1 July P ⇔
--   P ≤ J(exit_date); first posting > 1 July P + window ⇔ P ≤ J(first posting − window) (1 July
--   is a month's first day, so adding the window to it and taking it from the other side agree);
--   a promotion on r falls in (1 July P, 1 July P + window] ⇔ J(r − window) < P ≤ J(r). So each
--   person is a peer for the years [lo, hi]: peers are counted by (cohort, lo, hi) joined with
--   the strata. The promotions are joined with the persons once: those in a practised person's
--   own window mark them promoted; the peer years each covers become bits (P − the cohort's first
--   stratum year, in 64-year chunks), OR-ed per person so that a year counts once however many
--   promotions fall in it, and the persons are counted by (cohort, chunk, mask) before the bits
--   are spread back to years. Without a unit filter the persons come straight from the base
--   snapshot (training_people only adds the unit of the departed, which only those filters read).
with
people as (
    select person_id, entry_date, exit_date, entry_cohort
    from person_snapshot_at($as_of::date)
    where entry_date <= $as_of::date
      and $units::varchar[] is null and $unit_kinds::varchar[] is null
      and training_in_slice(person_id, null, null, entry_cohort, null, $counties, null, $cohorts)
    union all
    select person_id, entry_date, exit_date, entry_cohort
    from training_people($as_of::date)
    where ($units::varchar[] is not null or $unit_kinds::varchar[] is not null)
      and training_in_slice(person_id, unit_id, unit_kind, entry_cohort,
                            $units, $counties, $unit_kinds, $cohorts)
),
first_posting as (
    select person_id, min(start_date) as first_start
    from practices
    where start_date <= $as_of::date
    group by person_id
),
promotions as (
    -- a window opens on a first posting or on 1 July of its year: appointments before 1 January
    -- of the earliest first posting's year fall in none, and are not worked out
    select person_id, start_date from ranks
    where reason = '晋升' and start_date <= $as_of::date
    union all
    select person_id, start_date
    from training_leadership_steps_since(
        $as_of::date, (select make_date(year(min(first_start)), 1, 1) from first_posting))
),
practised as (
    select p.person_id, p.entry_cohort, year(f.first_start) as posting_year, f.first_start,
           (f.first_start + to_months($window_months::integer))::date as window_end,
    from people as p
    join first_posting as f using (person_id)
    where f.first_start + to_months($window_months::integer) <= $as_of::date
),
strata_years as (
    select entry_cohort, posting_year,
    from practised
    group by entry_cohort, posting_year
    having make_date(posting_year, 7, 1) + to_months($window_months::integer) <= $as_of::date
),
cohort_years as (
    select entry_cohort, min(posting_year) as first_p, max(posting_year) as last_p,
    from strata_years
    group by entry_cohort
),
persons as (
    -- each person of a cohort with strata: the years P they are a peer for, lo .. hi (J as in
    -- the header, within the cohort's strata years; none when lo > hi), and their own window
    -- when practised
    select p.person_id, p.entry_cohort, c.first_p,
           greatest(year(p.entry_date) - (p.entry_date <= make_date(year(p.entry_date), 7, 1))::integer + 1,
                    c.first_p) as lo,
           least(year(p.exit_date) - (p.exit_date <= make_date(year(p.exit_date), 7, 1))::integer,
                 year(f.until) - (f.until <= make_date(year(f.until), 7, 1))::integer,
                 c.last_p) as hi,
           pr.first_start, pr.window_end,
    from people as p
    join cohort_years as c using (entry_cohort)
    left join (
        select person_id, (first_start - to_months($window_months::integer))::date as until,
        from first_posting
    ) as f using (person_id)
    left join practised as pr using (person_id)
),
promotion_years as (
    -- the years P a promotion on r counts for: J(r − window) < P ≤ J(r)
    select person_id, start_date,
           year(back) - (back <= make_date(year(back), 7, 1))::integer + 1 as p_from,
           year(start_date) - (start_date <= make_date(year(start_date), 7, 1))::integer as p_to,
    from (
        select person_id, start_date, (start_date - to_months($window_months::integer))::date as back,
        from promotions
    )
),
hits as (
    -- the promotions that count: in the person's own window, or in a peer year (i = P − first_p)
    select g.person_id, g.entry_cohort, g.first_p,
           r.start_date > g.first_start and r.start_date <= g.window_end as in_window,
           greatest(r.p_from, g.lo) - g.first_p as i_from, least(r.p_to, g.hi) - g.first_p as i_to,
    from promotion_years as r
    join persons as g using (person_id)
    where (r.start_date > g.first_start and r.start_date <= g.window_end)
       or greatest(r.p_from, g.lo) <= least(r.p_to, g.hi)
),
strata as (
    select pr.entry_cohort, pr.posting_year,
           count(*) as practised,
           count(*) filter (where pr.person_id in (select person_id from hits where in_window))
               as practised_promoted,
    from practised as pr
    semi join strata_years using (entry_cohort, posting_year)
    group by pr.entry_cohort, pr.posting_year
),
peer_counts as (
    select s.entry_cohort, s.posting_year, sum(g.persons)::bigint as peers,
    from (
        select entry_cohort, lo, hi, count(*) as persons,
        from persons
        where lo <= hi
        group by entry_cohort, lo, hi
    ) as g
    join strata_years as s
      on s.entry_cohort = g.entry_cohort and s.posting_year between g.lo and g.hi
    group by s.entry_cohort, s.posting_year
),
promotion_bits as (
    -- the peer years of each promotion as bits i mod 64 of the 64-year chunks k they touch (one,
    -- but for spans crossing a chunk's end)
    select person_id, entry_cohort, first_p, k,
           (~0::ubigint >> (63 - (least(i_to, 64 * k + 63) - greatest(i_from, 64 * k)))::ubigint)
               << (greatest(i_from, 64 * k) - 64 * k)::ubigint as bits,
    from (
        select *, unnest(range(i_from // 64, i_to // 64 + 1)) as k,
        from hits
        where i_from <= i_to
    )
),
promoted_masks as (
    -- persons by cohort, chunk and the set of their years with a promotion (a set: one per year)
    select entry_cohort, first_p, k, mask, count(*) as persons,
    from (
        select person_id, entry_cohort, first_p, k, bit_or(bits) as mask,
        from promotion_bits
        group by person_id, entry_cohort, first_p, k
    )
    group by entry_cohort, first_p, k, mask
),
promoted_peers as (
    select entry_cohort, posting_year, sum(persons)::bigint as promoted,
    from (
        select entry_cohort, first_p + 64 * k + i as posting_year, persons,
        from promoted_masks, unnest(range(64)) as t(i)
        where (mask >> i::ubigint) & 1::ubigint = 1
    )
    semi join strata_years using (entry_cohort, posting_year)
    group by entry_cohort, posting_year
),
peer_strata as (
    select c.entry_cohort, c.posting_year, c.peers,
           coalesce(pp.promoted, 0) / c.peers as peer_rate,
    from peer_counts as c
    left join promoted_peers as pp using (entry_cohort, posting_year)
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
