-- Tables the pages read, built at the end of every load so that pages never compute stage
-- histories themselves.
--
-- One file for both ways a load builds them (etl/load.py fills in the names written with a dollar
-- sign and braces below; the comments name them without):
-- - full (every rebuild, a first load, a large one): sentuh and sentuh_wilayah are empty and
--   nomor_inovasi numbers the innovations; each table is created anew;
-- - incremental (a small load into a snapshot whose tables this very file built): sentuh is a semi
--   join to _sentuh(kode_inovasi, id_inovasi), the innovations the load touched with the ids they
--   keep (an innovation new to the snapshot gets one above every id in use, which nomor_inovasi
--   reads), sentuh_wilayah one to _sentuh_wilayah(kode_wilayah), the regions whose award rows it
--   touched; the loader turns the statement creating each per-innovation or per-region table T
--   from a query Q into "delete those innovations' (regions') rows from T; insert Q's rows", in
--   this order, so that a table read further down (evaluasi_terakhir, inovasi_status) already holds
--   the new rows. info_data is built whole either way. A query restricted this way must still read
--   every row of each innovation it keeps, so that both ways give the same rows
--   (tests/test_incremental.py compares them).

-- Built by earlier versions: tahap_tunggu holds what the pages read of tahapan_transisi, and the
-- pages read tahap_capai's rows (one per innovation and stage reached) off tahap_capai_lebar.
drop table if exists tahapan_transisi;
drop table if exists tahap_capai;

-- Every derived table below is built from one compact copy of the stage rows, keyed by a number
-- per innovation instead of its text code: sorting and grouping millions of rows by an integer,
-- with no text carried along, took a third of the time. id_inovasi numbers the innovations of this
-- snapshot only (the derived tables of one snapshot agree on it; an incremental build keeps the ids
-- of the innovations it does not touch); pages join the derived tables on it, and show kode_inovasi,
-- which inovasi_status, tahap_capai_lebar and tahap_keluar keep.
create or replace temp table _inovasi as
select
    ${nomor_inovasi} as id_inovasi,
    kode_inovasi,
    nama_inovasi,
    kode_wilayah,
    perangkat_daerah,
    inisiator,
    bentuk,
    jenis,
    urusan,
    publikasi,
    tanggal_usulan,
    tahap_terkini
from inovasi ${sentuh};

-- Stage order as one small number: entries on one date are ordered by it (urutan, then code, so a
-- decree and a trial on one day read forward).
create or replace temp table _nomor_tahap as
select tahap, urutan, keluar, (row_number() over (order by urutan, tahap))::utinyint as nomor
from tahap_ref;

create or replace temp table _entri as
select i.id_inovasi, r.nomor, r.urutan::utinyint as urutan, r.keluar, t.tanggal
from tahapan as t
join _inovasi as i using (kode_inovasi)
join _nomor_tahap as r using (tahap);

-- One row per finished wait: an innovation's stay in a stage until its next entry (a later stage,
-- an exit, or a move back), in days. One window (one sort of the stage rows) finds each entry's
-- successor; the entry an innovation is in now has none and is not a row here (Alur reads its
-- waiting time from inovasi_status).
create or replace table tahap_tunggu as
select w.id_inovasi, r.tahap, w.hari
from (
    select id_inovasi, nomor, lead(tanggal) over w - tanggal as hari
    from _entri
    window w as (partition by id_inovasi order by tanggal, nomor)
    qualify hari is not null
) as w
join _nomor_tahap as r using (nomor);

-- Each evaluated innovation's latest evaluation (Dampak reads only these; the newest date wins, and
-- evaluasi holds one row per innovation and date), with the innovation's name for labels.
create or replace table evaluasi_terakhir as
with latest as (
    select *
    from evaluasi ${sentuh}
    qualify row_number() over (partition by kode_inovasi order by tanggal_evaluasi desc) = 1
),

final as (
    select
        l.kode_inovasi,
        i.id_inovasi,
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
    join _inovasi as i using (kode_inovasi)
)

select * from final;

-- One grouping pass over the stage rows gives everything the tables below need per innovation:
-- - the last entry (the current stage): the latest date, ties on one date by stage order;
-- - the furthest non-exit stage entered (a skipped stage counts as passed) and which have a row;
-- - capai_k, the flow analytics' date of reaching non-exit stage k or a later one. A backwards move
--   has already kept the last entry date of a stage (tahapan holds one row per stage); a skipped
--   stage takes the next stage's date; taking the minimum over later stages makes the counts per
--   stage nest, so a cumulative flow diagram never goes down. The non-exit stages are numbered
--   1..n in tahap_ref (a post-load check holds it to that); the dollar-brace names are filled in from
--   dasbor/domain.py when the loader runs this file;
-- - the latest exit (tidak_layak, dihentikan), kept apart from the flow.
create or replace temp table _riwayat as
select
    id_inovasi,
    arg_max(nomor, (tanggal - date '2000-01-01') * 16 + nomor) as nomor_akhir,
    max(tanggal) as tanggal_akhir,
    max(tanggal) filter (where nomor = (select nomor from _nomor_tahap where tahap = 'penetapan')) as tanggal_penetapan,
    max(tanggal) filter (where nomor = (select nomor from _nomor_tahap where tahap = 'penerapan')) as tanggal_penerapan,
    max(urutan) filter (where not keluar)::integer as urutan_maks,
    bit_or(1::integer << urutan) filter (where not keluar) as tercatat,  -- bit k set: stage k has a row
    ${capai_min},
    arg_max(nomor, (tanggal - date '2000-01-01') * 16 + nomor) filter (where keluar) as nomor_keluar,
    max(tanggal) filter (where keluar) as tanggal_keluar
from _entri
group by id_inovasi;

-- The state of every innovation now: its current stage (the last one it entered), when it
-- entered it, Kemendagri's grouping, and whether it continues after penerapan.
create or replace table inovasi_status as
with current as (
    -- A reported tahap_terkini further along than the dated history wins, undated.
    select
        i.id_inovasi,
        case when rep.urutan > coalesce(akhir.urutan, 0) then rep.tahap else coalesce(akhir.tahap, 'usulan') end
            as tahap,
        case when rep.urutan > coalesce(akhir.urutan, 0) then null else coalesce(h.tanggal_akhir, i.tanggal_usulan) end
            as tanggal_tahap,
        h.tanggal_penetapan,
        h.tanggal_penerapan,
        h.urutan_maks
    from _inovasi as i
    left join _riwayat as h using (id_inovasi)
    left join _nomor_tahap as akhir on akhir.nomor = h.nomor_akhir
    left join tahap_ref as rep on rep.tahap = i.tahap_terkini
),

final as (
    select
        i.kode_inovasi,
        i.id_inovasi,
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
    from _inovasi as i
    left join wilayah as w on w.kode = i.kode_wilayah
    join current as c using (id_inovasi)
    left join evaluasi_terakhir as e using (kode_inovasi)
    left join tahap_ref as r on r.tahap = c.tahap
)

select * from final;

-- What a reader needs to label the data: is any of it sample data, and how much is there (always
-- built whole: one row).
create or replace table info_data as
select
    count(*) filter (where kode_inovasi like 'SAMPEL-%') > 0 as sampel,
    count(*) as jumlah_inovasi,
    (select max(waktu) from muatan) as dimuat_pada
from inovasi;

-- Flow analytics (Alur Tahapan): one row per innovation that reached a non-exit stage; capai_k is
-- the date it reached stage k or a later one (null: not reached). Cycle times and work in progress
-- read two columns of one row here.
create or replace table tahap_capai_lebar as
select
    i.kode_inovasi,
    h.id_inovasi,
    h.urutan_maks,
    h.tercatat,
    ${capai_cols}
from _riwayat as h
join _inovasi as i using (id_inovasi)
where h.urutan_maks is not null;

-- Innovations that left the flow: the latest exit, its date, and the stage it left from (the
-- furthest non-exit stage reached by the exit date).
create or replace table tahap_keluar as
select
    i.kode_inovasi,
    h.id_inovasi,
    r.tahap as keluar,
    h.tanggal_keluar as tanggal,
    list_max(list_filter(
        range(1, ${n_flow} + 1),
        lambda k: [${capai_list}][k] <= h.tanggal_keluar
    )) as dari_urutan
from _riwayat as h
join _inovasi as i using (id_inovasi)
join _nomor_tahap as r on r.nomor = h.nomor_keluar;

-- The only table the public page reads: the public innovations, with public-safe columns only (no
-- proposer, no internal notes, no document numbers). A public innovation is marked public
-- (publikasi = ya) AND reached the decree stage or a later one, stopped afterwards or not: in the
-- stage model a later stage follows the decree, so it implies one even when the region reported no
-- decree row or date (tanggal_penetapan is null then; tahap_terjauh says how far it got). Why this
-- and not "has a decree date": dasbor/queries/publik.py, which states the definition on the page;
-- etl/checks.py holds this table to it both ways. Rejected, unreviewed and undecreed proposals never
-- appear here; the public sees them only as counts.
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
        terjauh.tahap as tahap_terjauh,
        s.tanggal_penetapan,
        s.tanggal_penerapan,
        s.status_lanjut,
        s.hasil_evaluasi_terakhir,
        i.anggaran,
        i.deskripsi
    from inovasi_status as s ${sentuh}
    join inovasi as i using (kode_inovasi)
    join wilayah as w on w.kode = s.kode_wilayah
    -- the furthest flow stage reached (non-exit stages are numbered 1..n, one each)
    join tahap_ref as terjauh on terjauh.urutan = s.urutan_maks and not terjauh.keluar
    where i.publikasi and s.urutan_maks >= ${urutan_penetapan}  -- the decree or a later stage
)

select * from final;

drop table _entri;
drop table _riwayat;
drop table _inovasi;
drop table _nomor_tahap;

-- The competition pipeline (KIPP, IGA, Inagara, UNPSA): one row per entry, that is one region's part
-- (one innovation's, when kode_inovasi is given) in one competition, year and category, with the
-- furthest round it reached on its competition's scale (capaian_ref, written from dasbor/domain.py;
-- capaian_baca says which round each capaian text of the data is, 'Top 99' being top_99).
-- penghargaan may give a row for each round reached or only the furthest; either way an entry is one
-- row here. peringkat is null when the round is unknown: no capaian (the entry took part, as award
-- rows loaded before the scale existed often were sent), a text off the scale, or a competition
-- without one (lainnya). Pages count such an entry as an entry and leave it out of the share that
-- passes each round.
create or replace table kompetisi_entri as
select
    p.kode_wilayah,
    w.tingkat,
    w.kode_provinsi,
    p.kode_inovasi,
    p.ajang,
    p.tahun,
    p.kategori,
    max(r.peringkat) as peringkat,
    arg_max(r.capaian, r.peringkat) as capaian
from penghargaan as p ${sentuh_wilayah}
left join capaian_baca as b on b.ajang = p.ajang and b.teks = p.capaian
left join capaian_ref as r on r.ajang = b.ajang and r.capaian = b.capaian
left join wilayah as w on w.kode = p.kode_wilayah
group by p.kode_wilayah, w.tingkat, w.kode_provinsi, p.kode_inovasi, p.ajang, p.tahun, p.kategori;
