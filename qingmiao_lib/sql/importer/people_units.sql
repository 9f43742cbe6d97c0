-- importer/people_units.sql — temp table _pu: the posts a ledger's 单位 is compared with, i.e.
-- this import's (registered arrow table _imported_posts: text cells) and the database's (a row
-- given again by the import counts once, as imported). Grain: one row per post.
create or replace temp table _pu as
with imported as (
    select person_id, unit_id, qm_date(nullif(start_date, '')) as s, qm_date(nullif(end_date, '')) as e,
    from _imported_posts
    where person_id <> '' and unit_id <> ''
),
db as (
    select p.person_id, p.unit_id, p.start_date as s, p.end_date as e,
    from main.posts as p
    where not exists (select 1 from imported as i
                      where i.person_id = p.person_id and i.unit_id = p.unit_id and i.s = p.start_date)
),
final as (select * from imported union all select * from db)
select * from final
