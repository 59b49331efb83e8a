-- Tables the pages read, rebuilt at the end of every load so that pages never compute stage
-- histories themselves.

-- Built by earlier versions: tahap_tunggu holds what the pages read of tahapan_transisi, and the
-- pages read tahap_capai's rows (one per innovation and stage reached) off tahap_capai_lebar.
drop table if exists tahapan_transisi;
drop table if exists tahap_capai;

-- One row per finished wait: an innovation's stay in a stage until its next entry (a later stage,
-- an exit, or a move back), in days. Entries are ordered by date, ties on one date by the stage
-- order, so a decree and a trial on one day read forward. One window (one sort of the millions of
-- stage rows) finds each entry's successor; the entry an innovation is in now has none and is not
-- a row here (Alur reads its waiting time from inovasi_status).
create or replace table tahap_tunggu as
select
    t.kode_inovasi,
    t.tahap,
    lead(t.tanggal) over w - t.tanggal as hari
from tahapan as t
join tahap_ref as r using (tahap)
window w as (partition by t.kode_inovasi order by t.tanggal, r.urutan, t.tahap)
qualify hari is not null;

-- Each evaluated innovation's latest evaluation (Dampak reads only these; the newest date wins, and
-- evaluasi holds one row per innovation and date), with the innovation's name for labels.
create or replace table evaluasi_terakhir as
with latest as (
    select *
    from evaluasi
    qualify row_number() over (partition by kode_inovasi order by tanggal_evaluasi desc) = 1
),

final as (
    select
        l.kode_inovasi,
        i.nama_inovasi,
        l.tanggal_evaluasi,
        l.hasil,
        l.status_lanjut,
        l.penerima_manfaat,
        l.waktu_layanan_sebelum,
        l.waktu_layanan_sesudah,
        l.satuan_waktu,
        l.biaya_sebelum,
        l.biaya_sesudah,
        l.ikm_sebelum,
        l.ikm_sesudah,
        l.responden
    from latest as l
    join inovasi as i using (kode_inovasi)
)

select * from final;

-- The state of every innovation now: its current stage (the last one it entered), when it
-- entered it, Kemendagri's grouping, and whether it continues after penerapan.
create or replace table inovasi_status as
with entry_order as (
    -- the order of entries on one date as one number: date first, then stage order, then code
    select tahap, urutan, keluar, row_number() over (order by urutan, tahap) as nomor
    from tahap_ref
),

history as (
    -- one pass over the stage rows: the last entry, and the furthest stage reached
    select
        t.kode_inovasi,
        arg_max(t.tahap, (t.tanggal - date '2000-01-01') * 16 + r.nomor) as tahap,
        max(t.tanggal) as tanggal_tahap,
        max(t.tanggal) filter (where t.tahap = 'penetapan') as tanggal_penetapan,
        max(t.tanggal) filter (where t.tahap = 'penerapan') as tanggal_penerapan,
        -- furthest non-exit stage entered; a skipped stage counts as passed
        max(r.urutan) filter (where not r.keluar) as urutan_maks
    from tahapan as t
    join entry_order as r using (tahap)
    group by t.kode_inovasi
),

current as (
    -- A reported tahap_terkini further along than the dated history wins, undated.
    select
        i.kode_inovasi,
        case when rep.urutan > coalesce(hist.urutan, 0) then rep.tahap else coalesce(l.tahap, 'usulan') end as tahap,
        case when rep.urutan > coalesce(hist.urutan, 0) then null else coalesce(l.tanggal_tahap, i.tanggal_usulan) end
            as tanggal_tahap,
        l.tanggal_penetapan,
        l.tanggal_penerapan,
        l.urutan_maks
    from inovasi as i
    left join history as l using (kode_inovasi)
    left join tahap_ref as hist on hist.tahap = l.tahap
    left join tahap_ref as rep on rep.tahap = i.tahap_terkini
),

final as (
    select
        i.kode_inovasi,
        i.kode_wilayah,
        w.kode_provinsi,
        w.tingkat,
        i.perangkat_daerah,
        i.inisiator,
        i.bentuk,
        i.jenis,
        i.urusan,
        i.publikasi,
        i.tanggal_usulan,
        year(i.tanggal_usulan) as tahun_usulan,
        c.tahap,
        c.tanggal_tahap,  -- null when the stage was reported without a date
        r.kelompok,
        r.keluar,
        c.tanggal_penetapan,
        c.tanggal_penerapan,
        greatest(coalesce(c.urutan_maks, 1), case when r.keluar then 1 else r.urutan end) as urutan_maks,
        e.hasil as hasil_evaluasi_terakhir,
        -- Continuation only describes innovations that reached penerapan (JIPPNas counts the same way);
        -- null there means the continuation was not reported yet.
        case
            when c.tanggal_penerapan is null then null
            when c.tahap = 'dihentikan' then 'berhenti'
            else e.status_lanjut
        end as status_lanjut
    from inovasi as i
    left join wilayah as w on w.kode = i.kode_wilayah
    join current as c using (kode_inovasi)
    left join evaluasi_terakhir as e using (kode_inovasi)
    left join tahap_ref as r on r.tahap = c.tahap
)

select * from final;

-- What a reader needs to label the data: is any of it sample data, and how much is there.
create or replace table info_data as
select
    count(*) filter (where kode_inovasi like 'SAMPEL-%') > 0 as sampel,
    count(*) as jumlah_inovasi,
    (select max(waktu) from muatan) as dimuat_pada
from inovasi;

-- Flow analytics (Alur Tahapan). For every innovation and every non-exit stage up to the furthest it
-- reached: the date it reached that stage or a later one. A backwards move has already kept the last
-- entry date of a stage (tahapan holds one row per stage); a skipped stage takes the next stage's
-- date; taking the minimum over later stages makes the counts per stage nest, so a cumulative flow
-- diagram never goes down. Exits (tidak_layak, dihentikan) are kept apart in tahap_keluar.
-- The eight non-exit stages are numbered 1..8 in tahap_ref (a post-load check holds it to that), so
-- one grouping pass can take, per innovation, the earliest date at or beyond each of them (a running
-- minimum over the stage rows sorted per innovation took twice as long). One row per innovation
-- that reached a stage: capai_k is the date it reached stage k or a later one (null: not reached).
-- Cycle times and work in progress read two columns of one row here instead of joining millions
-- of tahap_capai rows with themselves.
create or replace table tahap_capai_lebar as
select
    t.kode_inovasi,
    max(r.urutan) as urutan_maks,
    bit_or(1 << r.urutan) as tercatat,  -- bit k set: stage k has a row of its own
    min(t.tanggal) filter (where r.urutan >= 1) as capai_1,
    min(t.tanggal) filter (where r.urutan >= 2) as capai_2,
    min(t.tanggal) filter (where r.urutan >= 3) as capai_3,
    min(t.tanggal) filter (where r.urutan >= 4) as capai_4,
    min(t.tanggal) filter (where r.urutan >= 5) as capai_5,
    min(t.tanggal) filter (where r.urutan >= 6) as capai_6,
    min(t.tanggal) filter (where r.urutan >= 7) as capai_7,
    min(t.tanggal) filter (where r.urutan >= 8) as capai_8
from tahapan as t
join tahap_ref as r using (tahap)
where not r.keluar
group by t.kode_inovasi;

create or replace table tahap_keluar as
with exits as (
    select t.kode_inovasi, t.tahap as keluar, t.tanggal
    from tahapan as t
    join tahap_ref as r using (tahap)
    where r.keluar
    qualify row_number() over (partition by t.kode_inovasi order by t.tanggal desc) = 1
),

final as (
    -- the stage an innovation left from: the furthest non-exit stage it reached by the exit date
    select
        e.kode_inovasi,
        e.keluar,
        e.tanggal,
        list_max(list_filter(
            range(1, 9),
            lambda k: [b.capai_1, b.capai_2, b.capai_3, b.capai_4, b.capai_5, b.capai_6, b.capai_7, b.capai_8][k]
                <= e.tanggal
        )) as dari_urutan
    from exits as e
    left join tahap_capai_lebar as b using (kode_inovasi)
)

select * from final;

-- The only table the public page reads: innovations marked public and set by decree or later,
-- with public-safe columns only (no proposer, no internal notes, no document numbers). Rejected and
-- unreviewed proposals never appear here; the public sees them only as counts.
create or replace table inovasi_publik as
with final as (
    select
        s.kode_inovasi,
        i.nama_inovasi,
        s.kode_wilayah,
        s.kode_provinsi,
        w.nama as wilayah,
        w.nama_provinsi,
        s.tingkat,
        s.perangkat_daerah,
        s.inisiator,
        s.bentuk,
        s.jenis,
        s.urusan,
        s.tahun_usulan,
        s.tahap,
        s.kelompok,
        s.tanggal_penetapan,
        s.tanggal_penerapan,
        s.status_lanjut,
        s.hasil_evaluasi_terakhir,
        i.anggaran,
        i.deskripsi
    from inovasi_status as s
    join inovasi as i using (kode_inovasi)
    join wilayah as w on w.kode = s.kode_wilayah
    where i.publikasi and s.urutan_maks >= 4  -- penetapan (4) onward
)

select * from final;
