-- Tables of a snapshot, named as in the reporting template (DESIGN.md section 3), with canonical
-- values: stage codes, dotted Kemendagri region codes, real DATE and number types. Keys are
-- enforced by the loader (upsert by key) and checked after every load by etl/checks.py, not by
-- index constraints, which would slow a national load for no gain.

create table if not exists wilayah (
    kode varchar,
    nama varchar,
    tingkat varchar,  -- provinsi / kabupaten / kota
    kode_provinsi varchar,
    nama_provinsi varchar
);

create table if not exists urusan (
    kode varchar,
    nama varchar,
    kelompok varchar
);

create table if not exists inovasi (
    kode_inovasi varchar,
    nama_inovasi varchar,
    kode_wilayah varchar,
    perangkat_daerah varchar,
    inisiator varchar,
    bentuk varchar,
    jenis varchar,
    urusan varchar,
    tanggal_usulan date,
    anggaran decimal(18, 2),
    nama_pengusul varchar,  -- personal data: never public
    deskripsi varchar,
    replikasi_dari varchar,
    publikasi boolean,
    tahap_terkini varchar,  -- as reported; the computed current stage is in inovasi_status
    tanggal_uji_coba date,
    tanggal_penerapan date,
    muatan_id integer
);

create table if not exists tahapan (
    kode_inovasi varchar,
    tahap varchar,
    tanggal date,
    nomor_dokumen varchar,
    catatan varchar,  -- internal
    turunan boolean,  -- derived from inovasi.tahap_terkini and its dates, not reported as history
    muatan_id integer
);

create table if not exists evaluasi (
    kode_inovasi varchar,
    tanggal_evaluasi date,
    penilai varchar,
    hasil varchar,
    penerima_manfaat bigint,
    waktu_layanan_sebelum double,
    waktu_layanan_sesudah double,
    satuan_waktu varchar,
    biaya_sebelum decimal(18, 2),
    biaya_sesudah decimal(18, 2),
    ikm_sebelum double,
    ikm_sesudah double,
    responden bigint,
    status_lanjut varchar,
    muatan_id integer
);

create table if not exists penghargaan (
    kode_wilayah varchar,
    kode_inovasi varchar,
    ajang varchar,
    tahun integer,
    kategori varchar,
    capaian varchar,
    muatan_id integer
);

create table if not exists indeks_daerah (
    kode_wilayah varchar,
    tahun integer,
    skor double,
    predikat varchar,
    muatan_id integer
);

create table if not exists penduduk (
    kode_wilayah varchar,
    tahun integer,
    jumlah bigint,
    muatan_id integer
);
-- Where a population figure comes from: null for a loaded row, the shipped source for reference rows
-- (dasbor/reference/penduduk_kabkota.csv, written by the loader for the years no load covers).
alter table penduduk add column if not exists sumber varchar;

-- Every load, including the ones that rejected rows.
create table if not exists muatan (
    id integer,
    waktu timestamptz,
    pengguna varchar,
    berkas json,  -- [{"name", "sha256", "bytes"}]
    tabel json,  -- {table: {"read", "loaded", "rejected", "changed"}}
    ditolak integer,
    catatan json  -- notices: ignored columns, skipped sheets
);

create table if not exists baris_ditolak (
    muatan_id integer,
    berkas varchar,
    lembar varchar,
    baris bigint,
    kolom varchar,
    nilai varchar,
    alasan varchar,
    alasan_en varchar
);

-- tahap_ref (stage order, Kemendagri grouping, labels) is written from dasbor/domain.py by the loader.


-- Outreach events (sosialisasi, bimtek, klinik inovasi, lomba): one row per region, date and kind.
create table if not exists kegiatan (
    kode_wilayah varchar,
    tanggal date,
    jenis varchar,  -- sosialisasi / bimtek / klinik_inovasi / lomba / lainnya
    penyelenggara varchar,
    peserta bigint,
    sasaran varchar,
    keterangan varchar,
    muatan_id integer
);

-- capaian_ref (each competition's ordered rounds, the scale penghargaan.capaian is read on) is written
-- from dasbor/domain.py by the loader, like tahap_ref.
