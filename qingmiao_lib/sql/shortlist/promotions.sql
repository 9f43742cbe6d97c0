-- shortlist/promotions.sql — a list of promotions for the what-if (shortlist.what_if), checked:
-- each person active on $as_of, once, with a rank, moving to the rank given or else one step up
-- the ladder, and the target above the current rank.
-- Grain: one row per listed entry (in the order given).
-- Parameters: $as_of (DATE), $ids (VARCHAR[] person_id), $ranks (VARCHAR[] target rank or NULL,
--   as long as $ids), $county (VARCHAR county code of a combined database | NULL: with it a
--   person of another county is unknown, 人员编号不存在, as in that county's own database).
-- Columns: entry (1..), person_id, unit_id (of the main post on $as_of), from_rank, to_rank,
--   problem (NULL when the entry is sound, else why not, in Chinese).
with
listed as (
    select unnest($ids::varchar[]) as person_id, unnest($ranks::varchar[]) as given_rank,
           unnest(range(1, len($ids::varchar[]) + 1)) as entry,
),
known as (
    select l.*, s.active, s.unit_id, s.rank as from_rank, s.rank_step,
           p.person_id is not null as exists_,
           count(*) over (partition by l.person_id) as times,
    from listed as l
    left join persons as p
      on p.person_id = l.person_id and ($county::varchar is null or county_of(p.person_id) = $county::varchar)
    left join person_snapshot($as_of::date) as s
      on s.person_id = l.person_id and ($county::varchar is null or county_of(s.person_id) = $county::varchar)
),
final as (
    select k.entry, k.person_id, k.unit_id, k.from_rank::varchar as from_rank,
           coalesce(k.given_rank, nx.rank::varchar) as to_rank,
           case
               when not k.exists_ then '人员编号不存在'
               when not coalesce(k.active, false) then '该日不在职'
               when k.times > 1 then '名单中重复出现'
               when k.from_rank is null then '尚无职级'
               when k.given_rank is not null and gr.rank is null then '职级名称无效：' || k.given_rank
               when k.given_rank is null and nx.rank is null then '已达职级序列最高一级'
               when coalesce(gr.step, nx.step) <= k.rank_step then '拟任职级不高于现职级'
           end as problem,
    from known as k
    left join rule_ranks as nx on nx.step = k.rank_step + 1
    left join rule_ranks as gr on gr.rank::varchar = k.given_rank
)
select * from final
order by entry;
