-- shortlist/left_leadership.sql — shortlist_left_leadership(as_of): the third of the 三优先,
-- leaving a leadership post for organisational reasons (因组织需要退出领导岗位): a post above 无
-- that ended within rules shortlist.left_leadership_window_months before as_of (end in
-- (as_of − window, as_of]), while on as_of the person holds no post at that level or above; not
-- when a supervision of the kinds shortlist.left_leadership_excluded (组织处理, 处分) was held
-- from the window's length before the post ended up to as_of — then the step-down was not an
-- adjustment. The records hold no reason for an end: this is the reading the data allows.
-- Grain: one row per person who left such a post (the highest level left; the latest end).
-- Arguments: as_of (DATE).
-- Columns: person_id, left_level (post_level), left_on (the end date), left_excluded (a 组织处理 or
--   处分 bars it: the row is kept so the reason can say why it does not count).
create or replace temp macro shortlist_left_leadership(as_of) as table
with
params as (
    select rule_num('shortlist.left_leadership_window_months')::integer as window_months,
),
ended as (
    select p.person_id, p.level, lv.step, p.end_date,
    from posts as p
    join rule_levels as lv on lv.level = p.level
    cross join params as pr
    where lv.step > 0
      and p.end_date <= as_of::date
      and p.end_date > (as_of::date - to_months(pr.window_months))::date
),
held as (
    -- the highest post level each of those persons holds on as_of
    select p.person_id, max(lv.step) as step,
    from posts as p
    join rule_levels as lv on lv.level = p.level
    where covers(p.start_date, p.end_date, as_of::date)
      and p.person_id in (select person_id from ended)
    group by p.person_id
),
stepped_down as (
    -- the left posts with no post at their level or above held now; the highest, then latest
    select e.person_id, e.level as left_level, e.end_date as left_on,
    from ended as e
    left join held as h using (person_id)
    where coalesce(h.step, 0) < e.step
    qualify row_number() over (partition by e.person_id order by e.step desc, e.end_date desc) = 1
),
excluded as (
    select distinct d.person_id,
    from stepped_down as d
    cross join params as pr
    join supervision as v on v.person_id = d.person_id
    where v.kind::varchar in (select value from rule_lists where name = 'shortlist.left_leadership_excluded')
      and v.held_on > (d.left_on - to_months(pr.window_months))::date
      and v.held_on <= as_of::date
),
final as (
    select d.person_id, d.left_level, d.left_on, x.person_id is not null as left_excluded,
    from stepped_down as d
    left join excluded as x using (person_id)
)
select * from final;
