-- importer/roster_keys.sql — the 人员编号 of every roster row.
-- Inputs: temp table _ros (_sheet, _row, key, name, gender, birth: cells as written) and temp
-- table _known (person_id, nm, gender, birth: the database's persons and this import's).
-- Rule: the roster's own key when the cell has one ('key'); else the one known person with the
-- same name, birth month and (when written) gender ('matched'); several → 'ambiguous'; none → a
-- new surrogate $prefix + 6 digits, numbered after the largest such key known, in sheet and row
-- order ('new'); a second unkeyed row of the same name, birth month and gender that matches
-- nobody → 'duplicate' (first_sheet, first_row name the first one).
-- Parameters: $prefix. Grain: one row per roster row.
with r as (
    select
        _sheet,
        _row,
        nullif(key, '') as key,
        qm_name_key(name) as nm,
        nullif(gender, '') as gender,
        date_trunc('month', qm_date(nullif(birth, ''))) as birth_month,
    from _ros
),
matched as (
    select r._sheet, r._row, count(k.person_id) as n, min(k.person_id) as pid,
    from r
    left join _known as k
        on k.nm = r.nm
        and date_trunc('month', k.birth) = r.birth_month
        and (r.gender is null or k.gender = r.gender)
    where r.key is null
    group by all
),
unkeyed as (
    select
        r._sheet,
        r._row,
        first_value(r._sheet) over w as first_sheet,
        first_value(r._row) over w as first_row,
        row_number() over w as k,
    from r
    join matched as m on m._sheet = r._sheet and m._row = r._row and m.n = 0
    where r.nm <> '' and r.birth_month is not null
    window w as (partition by r.nm, r.birth_month, coalesce(r.gender, '') order by r._sheet, r._row)
),
largest as (
    select coalesce(max(cast(substr(person_id, length($prefix) + 1) as bigint)), 0) as n,
    from _known
    where starts_with(person_id, $prefix)
      and regexp_full_match(substr(person_id, length($prefix) + 1), '[0-9]{1,12}')
),
how as (
    select
        r._sheet,
        r._row,
        r.key,
        m.pid,
        coalesce(m.n, 0) as n,
        u.first_sheet,
        u.first_row,
        case
            when r.key is not null then 'key'
            when m.n = 1 then 'matched'
            when m.n > 1 then 'ambiguous'
            when u.k > 1 then 'duplicate'
            else 'new'
        end as how,
    from r
    left join matched as m on m._sheet = r._sheet and m._row = r._row
    left join unkeyed as u on u._sheet = r._sheet and u._row = r._row
),
final as (
    select
        _sheet,
        _row,
        case how
            when 'key' then key
            when 'matched' then pid
            when 'new' then $prefix || lpad(cast((select n from largest)
                + row_number() over (partition by how = 'new' order by _sheet, _row) as varchar), 6, '0')
        end as person_id,
        how,
        n,
        first_sheet,
        first_row,
    from how
)
select * from final
