-- importer/people_known.sql — temp table _known: the persons a roster or ledger row may be, i.e.
-- this import's persons (registered arrow table _imported_persons: text cells) and the database's
-- (unless $keep_db is false: a ``replace`` of the persons table). A person in both counts once,
-- as imported. Grain: one row per person_id.
create or replace temp table _known as
with imported as (
    select
        nullif(person_id, '') as person_id,
        qm_name_key(name) as nm,
        nullif(gender, '') as gender,
        qm_date(nullif(birth_date, '')) as birth,
    from _imported_persons
    where person_id <> ''
),
db as (
    select p.person_id, qm_name_key(p.name) as nm, p.gender::varchar as gender, p.birth_date as birth,
    from main.persons as p
    where $keep_db and p.person_id not in (select person_id from imported)
),
final as (select * from imported union all select * from db)
select * from final
