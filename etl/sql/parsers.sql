-- Value parsers for the reporting template, as DuckDB macros so that validation runs vectorised
-- inside DuckDB instead of row by row in Python. Each parser comes in two halves: `bersih_*`
-- normalises the text once, `*_dari_bersih` reads the normalised text; the validator computes the
-- first half once per cell and reuses it for every rule. NULL out means "not understood".

-- Blank cells and cells of only spaces are missing values. Cells arrive trimmed (etl/validate.py,
-- trimmed()), so a cell of only spaces arrives empty.
create or replace macro isi(s) as nullif(s, '');

-- Numbers: Indonesian `1.234,56` and `1234,56`, plain `1234`, English `1234.5` when the dot cannot
-- be a thousands separator, `1,234.56` with both separators, `Rp` in front and `,-` at the end.
create or replace macro bersih_angka(s) as
    regexp_replace(
        regexp_replace(lower(trim(s)), '^rp\.?\s*', ''),
        '(,-+$|\s)', '', 'g'
    );

create or replace macro angka_dari_bersih(c) as
    case
        when regexp_full_match(c, '-?\d{1,3}(\.\d{3})+(,\d+)?')
            then try_cast(replace(replace(c, '.', ''), ',', '.') as double)
        when regexp_full_match(c, '-?\d+(,\d+)?')
            then try_cast(replace(c, ',', '.') as double)
        when regexp_full_match(c, '-?\d+\.\d+')
            then try_cast(c as double)
        when regexp_full_match(c, '-?\d{1,3}(,\d{3})+\.\d+')
            then try_cast(replace(c, ',', '') as double)
    end;

-- Money keeps exact cents: the same rules, read as DECIMAL.
create or replace macro uang_dari_bersih(c) as
    case
        when regexp_full_match(c, '\d{1,3}(\.\d{3})+(,\d{1,2})?')
            then try_cast(replace(replace(c, '.', ''), ',', '.') as decimal(18, 2))
        when regexp_full_match(c, '\d+(,\d{1,2})?')
            then try_cast(replace(c, ',', '.') as decimal(18, 2))
        when regexp_full_match(c, '\d+\.\d{1,2}')
            then try_cast(c as decimal(18, 2))
        when regexp_full_match(c, '\d{1,3}(,\d{3})+\.\d{1,2}')
            then try_cast(replace(c, ',', '') as decimal(18, 2))
    end;

-- Month names in Indonesian (also the old spellings Pebruari, Nopember) and English.
create or replace macro bulan(t) as
    case
        when t in ('jan', 'januari', 'january') then 1
        when t in ('feb', 'peb', 'februari', 'pebruari', 'february') then 2
        when t in ('mar', 'maret', 'march') then 3
        when t in ('apr', 'april') then 4
        when t in ('mei', 'may') then 5
        when t in ('jun', 'juni', 'june') then 6
        when t in ('jul', 'juli', 'july') then 7
        when t in ('agu', 'agt', 'ags', 'agus', 'agustus', 'aug', 'august') then 8
        when t in ('sep', 'sept', 'september') then 9
        when t in ('okt', 'oct', 'oktober', 'october') then 10
        when t in ('nov', 'nop', 'november', 'nopember') then 11
        when t in ('des', 'dec', 'desember', 'december') then 12
    end;

-- Dates: lower case, single spaces, and a leading weekday dropped ("Rabu, 22 November 2017"):
-- reports get the weekday wrong, so it is never checked.
create or replace macro bersih_tanggal(s) as
    regexp_replace(
        regexp_replace(lower(trim(s)), '\s+', ' ', 'g'),
        '^[a-z]+,? (\d)', '\1'
    );

-- ISO `2017-11-22` (a time after it is ignored), day-first `22/11/2017`, `22-11-2017`,
-- `22.11.2017`, and `22 November 2017` / `22 Nov 2017` / `22-Nov-2017`. Years have four digits.
create or replace macro tanggal_iso(c) as
    regexp_full_match(c, '\d{4}-\d{1,2}-\d{1,2}([ t]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?');
create or replace macro tanggal_angka(c) as regexp_full_match(c, '\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}');
create or replace macro tanggal_nama(c) as
    regexp_full_match(c, '\d{1,2}[ \-][a-z]+\.?[ \-]\d{4}') and bulan(regexp_extract(c, '[a-z]+')) is not null;

-- Whether a cleaned text is written as a date is: then NULL from tanggal_dari_bersih means no such
-- day (31/02/2022, month 13), which the data officer is told apart from an unreadable cell.
create or replace macro bentuk_tanggal(c) as coalesce(tanggal_iso(c) or tanggal_angka(c) or tanggal_nama(c), false);

create or replace macro tanggal_dari_bersih(c) as
    case
        when tanggal_iso(c)
            then try_strptime(regexp_extract(c, '^\d{4}-\d{1,2}-\d{1,2}'), '%Y-%m-%d')::date
        when tanggal_angka(c)
            then try_strptime(regexp_replace(c, '[/.]', '-', 'g'), '%d-%m-%Y')::date
        when tanggal_nama(c)
            then try_strptime(
                concat_ws(
                    '-',
                    regexp_extract(c, '^\d{1,2}'),
                    bulan(regexp_extract(c, '[a-z]+')),
                    regexp_extract(c, '\d{4}$')
                ),
                '%d-%m-%Y'
            )::date
    end;

create or replace macro parse_tanggal(s) as tanggal_dari_bersih(bersih_tanggal(s));
create or replace macro parse_angka(s) as angka_dari_bersih(bersih_angka(s));
create or replace macro parse_uang(s) as uang_dari_bersih(bersih_angka(s));

-- Enumerated values are matched by kunci(s), the key of a text (case, Unicode spaces, full-width
-- letters, hyphens and underscores alike). It is not a macro here: it is dasbor/reference.norm_key,
-- the one rule Python uses too, registered on the connection by etl/validate.prepare
-- (dasbor/reference.register_sql). DuckDB has no NFKC and its regex \s is ASCII only, so a SQL copy
-- of the rule would drift from Python's again.
