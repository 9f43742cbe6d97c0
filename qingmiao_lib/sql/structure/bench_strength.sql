-- structure/bench_strength.sql — bench strength (梯队) per unit on a date: the unit's
-- leadership posts (held, by level) against its young people by level and rank, and the
-- average age of its leadership. A person counts in the unit of their main post
-- (person_snapshot: highest level, then latest).
-- Grain: one row per unit with at least one active person in post (in the slice).
-- Parameters: $as_of (DATE); $units, $unit_kinds (VARCHAR[], NULL = all); $counties (VARCHAR[]
--   of county codes, county_of(person_id), NULL = all); $gap_rank (VARCHAR:
--   the lowest rank that counts as senior for the gap list, e.g. 四级主任科员).
-- Columns: unit_id, unit_name, unit_kind, persons, young, leader_posts (persons holding a
--   leadership post), ke_deputy_posts, ke_chief_posts, county_posts (县处级), young_ke_deputy,
--   young_ke_chief, young_county, young_senior_rank (young with rank at or above $gap_rank),
--   young_reserve (young holding a leadership post or a senior rank), reserve_per_post,
--   leaders_avg_age, gap_ke (no young person at 乡科级), gap_rank (none at $gap_rank or above).
with
people as (
    select s.unit_id, s.young, s.age, s.level::varchar as level, s.level_step, s.rank_step,
    from person_snapshot_at($as_of::date) as s
    where s.active and s.unit_id is not null
      and ($units::varchar[] is null or list_contains($units::varchar[], s.unit_id))
      and ($counties::varchar[] is null
           or list_contains($counties::varchar[], county_of(s.person_id)))
      and ($unit_kinds::varchar[] is null
           or list_contains($unit_kinds::varchar[], s.unit_kind::varchar))
),
senior as (
    select step from rule_ranks where rank = $gap_rank::varchar
),
per_unit as (
    select
        p.unit_id,
        count(*) as persons,
        count(*) filter (where p.young) as young,
        count(*) filter (where p.level_step > 0) as leader_posts,
        count(*) filter (where p.level = '乡科级副职') as ke_deputy_posts,
        count(*) filter (where p.level = '乡科级正职') as ke_chief_posts,
        count(*) filter (where p.level in ('县处级副职', '县处级正职')) as county_posts,
        count(*) filter (where p.young and p.level = '乡科级副职') as young_ke_deputy,
        count(*) filter (where p.young and p.level = '乡科级正职') as young_ke_chief,
        count(*) filter (where p.young and p.level in ('县处级副职', '县处级正职')) as young_county,
        count(*) filter (where p.young and p.rank_step >= (select step from senior))
            as young_senior_rank,
        count(*) filter (where p.young
                           and (p.level_step > 0 or p.rank_step >= (select step from senior)))
            as young_reserve,
        avg(p.age) filter (where p.level_step > 0) as leaders_avg_age,
    from people as p
    group by p.unit_id
),
final as (
    select
        pu.unit_id,
        u.name as unit_name,
        u.kind::varchar as unit_kind,
        pu.* exclude (unit_id),
        pu.young_reserve / nullif(pu.leader_posts, 0) as reserve_per_post,
        pu.young_ke_deputy + pu.young_ke_chief = 0 as gap_ke,
        pu.young_senior_rank = 0 as gap_rank,
    from per_unit as pu
    join units as u using (unit_id)
)
select * from final
order by unit_kind::unit_kind, unit_id;
