-- importer/macros.sql — how one cell (text, trimmed; parsed values NFKC-normalised; '' = empty)
-- becomes a typed value. NULL out = not readable (the caller reports it when the cell is not empty).
-- Loaded as temporary macros on the import connection.

-- a date in any spelling of SPEC §3: 1990.05 · 1990.5 · 1990年5月 · 1990-05-01 · 1990/5/1 ·
-- 1990年5月1日 · 19900501 · 199005 (year and month, as rosters write them) · an Excel serial
-- (5 digits) · an ISO date-time; month only = the 1st.
create or replace temp macro qm_date_pattern() as (
    '^([0-9]{4})\s*[年./-]\s*([0-9]{1,2})\s*月?\s*(?:[./-]?\s*([0-9]{1,2})\s*[日号]?)?\s*(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?$'
);

create or replace temp macro qm_date(s) as (
    case
        when s is null or s = '' then null
        when regexp_full_match(s, '[0-9]{5}(\.[0-9]+)?')
            then date '1899-12-30' + cast(floor(cast(s as double)) as integer)
        when regexp_full_match(s, '[0-9]{8}') then cast(try_strptime(s, '%Y%m%d') as date)
        when regexp_full_match(s, '(19|20)[0-9]{2}(0[1-9]|1[0-2])') then cast(try_strptime(s || '01', '%Y%m%d') as date)
        when regexp_full_match(s, '[0-9]{4}-[0-9]{2}-[0-9]{2}') then try_cast(s as date)
        else cast(try_strptime(
            regexp_extract(s, qm_date_pattern(), 1) || '-' || regexp_extract(s, qm_date_pattern(), 2)
            || '-' || coalesce(nullif(regexp_extract(s, qm_date_pattern(), 3), ''), '1'),
            '%Y-%m-%d'
        ) as date)
    end
);

-- 是/否, Y/N, yes/no, true/false, 1/0, √/×.
create or replace temp macro qm_bool(s) as (
    case
        when lower(s) in ('是', 'y', 'yes', 'true', 't', '1', '√', '对', '合格') then true
        when lower(s) in ('否', 'n', 'no', 'false', 'f', '0', '×', '错', '不合格') then false
    end
);

-- a whole number, also written 2023.0 (an Excel number) or 2023年 / 2023年度.
create or replace temp macro qm_int(s) as (
    case
        when try_cast(regexp_replace(s, '年度?$', '') as double) between -2147483647 and 2147483647
         and try_cast(regexp_replace(s, '年度?$', '') as double)
             = floor(try_cast(regexp_replace(s, '年度?$', '') as double))
        then cast(try_cast(regexp_replace(s, '年度?$', '') as double) as integer)
    end
);

-- a quarter 1–4, also written Q1, 第1季度, 一季度.
create or replace temp macro qm_quarter(s) as (
    try_cast(regexp_extract(translate(s, '一二三四', '1234'), '^(?:第|q|Q)?\s*([1-4])(?:\.0)?\s*(?:季度)?$', 1) as integer)
);

-- a decimal number (学时).
create or replace temp macro qm_decimal(s) as (try_cast(try_cast(s as double) as decimal(6, 1)));

-- an 18-digit identity number: NULL when well formed with a correct check digit (ISO 7064
-- MOD 11-2), else a reason. Birth date and gender are compared by the caller.
create or replace temp macro qm_id_problem(s) as (
    case
        when not regexp_full_match(s, '[0-9]{17}[0-9Xx]') then '身份证号应为18位（最后一位可为X）'
        when upper(substr(s, 18, 1)) <> substr('10X98765432', cast(1 + (
            list_sum(list_transform(range(17), lambda i:
                cast(substr(s, i + 1, 1) as integer) * [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2][i + 1]
            )) % 11) as bigint), 1)
            then '身份证号校验位不正确'
        when try_strptime(substr(s, 7, 8), '%Y%m%d') is null then '身份证号中的出生日期无效'
    end
);

-- an identity number as it may be shown: all but the last 4 characters masked.
create or replace temp macro qm_mask(s) as (
    case when s is null then null else repeat('*', greatest(length(s) - 4, 0)) || right(s, 4) end
);

-- the first character of s that no value may hold, or NULL: a control character (C0, DEL, C1), an
-- invisible format character (zero-width spaces and joiners, U+FEFF, bidi marks, embeddings,
-- overrides and isolates, soft hyphen …) or a line or paragraph separator. Tab, LF and CR are
-- allowed when multiline (free-text columns).
create or replace temp macro qm_bad_char(s, multiline) as (
    nullif(
        case when multiline
            then regexp_extract(s, '[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\p{Cf}\p{Zl}\p{Zp}]')
            else regexp_extract(s, '[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]')
        end, '')
);

-- a refused character named for the error list: U+001B（控制字符 ESC）.
create or replace temp macro qm_char_name(c) as (
    printf('U+%04X', unicode(c)) || case
        when unicode(c) = 0 then '（空字符 NUL）'
        when unicode(c) = 9 then '（制表符）'
        when unicode(c) in (10, 13) then '（换行符）'
        when unicode(c) = 11 then '（控制字符 VT）'
        when unicode(c) = 27 then '（控制字符 ESC）'
        when unicode(c) < 32 or unicode(c) between 127 and 159 then '（控制字符）'
        when unicode(c) in (8203, 8204, 8205, 8288, 65279) then '（零宽字符）'
        when unicode(c) in (1564, 8206, 8207) or unicode(c) between 8234 and 8238
             or unicode(c) between 8294 and 8297 then '（双向文字控制符）'
        when unicode(c) in (8232, 8233) then '（行或段落分隔符）'
        else '（不可见格式字符）'
    end
);
