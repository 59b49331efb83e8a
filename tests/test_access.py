"""Accounts, sign-in and who sees what: enforced in the query layer and visible in the pages."""

from __future__ import annotations

import io
import json

import pytest

from conftest import INOVASI_HEADER, PASSWORD, account, app_at, inovasi_row, write_csv
from dasbor import accounts, store
from etl.__main__ import main
from etl.load import run


def users(argv, password=None, monkeypatch=None):
    if password is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["users", *argv])


def test_users_cli_add_list_passwd_remove(monkeypatch, capsys, data_dir):
    assert (
        users(
            ["add", "bupati.mitra", "--role", "daerah", "--wilayah", "71.07", "--password-stdin"],
            "rahasia-bupati-1",
            monkeypatch,
        )
        == 0
    )
    assert users(["add", "lan", "--role", "nasional", "--password-stdin"], "rahasia-lan-123", monkeypatch) == 0
    capsys.readouterr()
    assert users(["list"]) == 0
    listing = capsys.readouterr().out
    assert "bupati.mitra\tdaerah\t71.07" in listing and "rahasia" not in listing and "$2b$" not in listing
    stored = (data_dir / "accounts.json").read_text()
    assert "rahasia-bupati-1" not in stored and "$2b$" in stored  # bcrypt hash, never the password
    assert (data_dir / "accounts.json").parent == data_dir  # beside the snapshots folder, not inside it
    assert accounts.verify("bupati.mitra", "rahasia-bupati-1")
    assert users(["passwd", "bupati.mitra", "--password-stdin"], "rahasia-baru-456", monkeypatch) == 0
    assert accounts.verify("bupati.mitra", "rahasia-baru-456") and not accounts.verify(
        "bupati.mitra", "rahasia-bupati-1"
    )
    assert users(["remove", "lan"]) == 0 and "lan" not in accounts.load()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["add", "x", "--role", "daerah", "--password-stdin"], "perlu --wilayah"),
        (["add", "x", "--role", "daerah", "--wilayah", "99.99", "--password-stdin"], "tidak dikenal"),
        (["add", "x", "--role", "nasional", "--password-stdin"], None),
    ],
    ids=["daerah-needs-region", "unknown-region", "short-password"],
)
def test_users_cli_refuses_bad_accounts(monkeypatch, capsys, argv, message):
    password = "pendek" if message is None else "cukup-panjang-1"
    assert users(argv, password, monkeypatch) == 1
    assert (message or "minimal 10") in capsys.readouterr().err


def test_a_load_never_touches_the_accounts(tmp_path, data_dir):
    account("nasional")
    before = (data_dir / "accounts.json").read_bytes()
    write_csv(tmp_path, "inovasi.csv", INOVASI_HEADER, [inovasi_row("A")])
    run([tmp_path], write=True)
    assert (data_dir / "accounts.json").read_bytes() == before


def test_tokens_are_signed_expire_and_end_with_a_new_password(monkeypatch):
    acc = account("nasional")
    token = accounts.make_token(acc)
    assert accounts.check_token(token).name == acc.name
    name, expiry, fingerprint, signature = token.split("|")
    assert accounts.check_token(f"{name}|{int(expiry) + 9999}|{fingerprint}|{signature}") is None  # tampered
    assert accounts.check_token("garbage") is None and accounts.check_token(None) is None
    monkeypatch.setenv("INOVASI_SESSION_HOURS", "-1")
    assert accounts.check_token(accounts.make_token(acc)) is None  # expired
    monkeypatch.delenv("INOVASI_SESSION_HOURS")
    accounts.passwd(acc.name, "kata-sandi-baru-2")
    assert accounts.check_token(token) is None


def test_repeated_failures_slow_the_name_from_that_address(monkeypatch):
    acc = account("nasional", name="dikunci")
    now = [1_800_000_000.0]
    monkeypatch.setattr(accounts, "_now", lambda: now[0])
    for _ in range(3):
        assert accounts.verify(acc.name, "salah-salah-salah", "203.0.113.9") is None
    assert accounts.wait_for(acc.name, "203.0.113.9") > 0
    assert accounts.verify(acc.name, PASSWORD, "203.0.113.9") is None  # even the right password waits
    assert accounts.verify(acc.name, PASSWORD, "198.51.100.7") is not None  # the owner elsewhere is not locked out
    now[0] += accounts.wait_for(acc.name, "203.0.113.9")
    assert accounts.verify(acc.name, PASSWORD, "203.0.113.9") is not None


def test_the_public_lands_on_transparansi_and_is_refused_internal_pages(sample_data):
    at = app_at(role=None)
    assert at.title[0].value == "Transparansi"
    assert [p.proto.page for p in at.get("page_link")] == ["profil_wilayah", "transparansi"]  # public figures only
    at = app_at("pages/5_katalog.py", role=None)
    assert "untuk pengguna yang sudah masuk" in at.warning[-1].body and not at.dataframe
    at = app_at("pages/7_kelola_data.py", role="nasional")
    assert "Peran Anda tidak membuka" in at.warning[-1].body and not at.get("file_uploader")


def sign_in_button(sidebar):
    """The sign-in form's button (the filter form's Terapkan and Hapus filter come before it)."""
    return next(b for b in sidebar.button if b.label == "Masuk")


def test_sign_in_form_rejects_wrong_and_accepts_right_passwords(sample_data):
    acc = account("nasional")
    at = app_at(role=None)
    form = at.sidebar
    form.text_input[0].input(acc.name)
    form.text_input[1].input("salah-salah-1")
    sign_in_button(form).click().run()
    assert at.sidebar.error[0].value == "Nama pengguna atau kata sandi salah."
    at.sidebar.text_input[0].input(acc.name)
    at.sidebar.text_input[1].input(PASSWORD)
    sign_in_button(at.sidebar).click().run()
    assert not at.exception
    assert "katalog" in [p.proto.page for p in at.get("page_link")]
    assert all(PASSWORD not in str(m.value) for m in at.markdown)


def test_a_region_user_sees_only_their_region_whatever_the_url_says(sample_data):
    own = store.query("select kode_wilayah k from inovasi group by 1 order by count(*) desc limit 2").k
    mine, other = own[0], own[1]
    at = app_at("pages/5_katalog.py", role="daerah", wilayah=(mine,))
    regions = set(at.dataframe[0].value["Wilayah"])
    assert regions == {store.query("select nama from wilayah where kode = ?", [mine]).nama[0]}
    at = app_at("pages/5_katalog.py", {"wil": other}, role="daerah", wilayah=(mine,))
    assert not at.dataframe and "di luar akses akun Anda" in at.info[0].value  # said as such, not "loosen"
    foreign = store.query("select kode_inovasi from inovasi where kode_wilayah = ? limit 1", [other]).kode_inovasi[0]
    at = app_at("pages/5_katalog.py", {"kode": foreign}, role="daerah", wilayah=(mine,))
    assert "tidak boleh Anda lihat" in at.warning[-1].body
    at = app_at("pages/2_perbandingan_wilayah.py", role="daerah", wilayah=(mine,))
    table = at.dataframe[0].value
    assert len(table) == 1 and table["Usulan"].iloc[0] > 0


def test_a_region_account_is_offered_only_its_own_regions_in_the_filters(sample_data):
    own = store.query("select kode_wilayah k from inovasi where kode_wilayah like '%.%' group by 1 limit 1").k[0]
    province = own.split(".")[0]
    at = app_at("pages/1_ringkasan.py", role="daerah", wilayah=(own,))
    boxes = {b.label: b for b in at.selectbox}
    assert boxes["Provinsi"].options[1:] == [store.query("select nama from wilayah where kode = ?", [province]).nama[0]]
    assert boxes["Wilayah"].options[1:] == [store.query("select nama from wilayah where kode = ?", [own]).nama[0]]
    # A province's account gets its province (and the provincial government) and every region in it.
    at = app_at("pages/1_ringkasan.py", {"prov": province}, role="daerah", wilayah=(province,))
    boxes = {b.label: b for b in at.selectbox}
    in_province = store.query(
        "select count(*) n from wilayah where kode_provinsi = ? and tingkat <> 'provinsi'", [province]
    )
    assert len(boxes["Provinsi"].options) == 2
    assert boxes["Wilayah"].options[1] == "Pemerintah provinsi"
    assert len(boxes["Wilayah"].options) == 2 + in_province.n[0]


@pytest.mark.parametrize(
    "viewer",
    [
        ("nasional", ()),
        ("publik", ()),
        ("daerah", ()),
        ("daerah", ("35",)),
        ("daerah", ("35.78", "11.01")),
        ("daerah", ("32", "35.78", "99.99")),
    ],
)
def test_the_filter_lists_scope_agrees_with_the_sql_scope_for_every_region(viewer):
    import duckdb

    from dasbor.access import Viewer, scope_sql, sees
    from dasbor.reference import regions

    who = Viewer(*viewer)
    con = duckdb.connect()
    con.execute("create table r (kode varchar)")
    con.executemany("insert into r values (?)", [[r.kode] for r in regions()])
    clause, params = scope_sql(who, "kode")
    in_sql = set(con.execute(f"select kode from r where {clause}", params).fetchnumpy()["kode"].tolist())
    assert in_sql == {r.kode for r in regions() if sees(who, r.kode)}


def test_public_page_and_csv_hold_no_personal_data_and_neutralise_formulas(tmp_path):
    header = [*INOVASI_HEADER, "nama_pengusul", "publikasi", "deskripsi"]
    write_csv(
        tmp_path,
        "inovasi.csv",
        header,
        [
            inovasi_row("PUB") + ["Siti Pengusul", "ya", '=HYPERLINK("http://x")'],
            inovasi_row("HIDDEN") + ["Budi Rahasia", "tidak", ""],
            inovasi_row("EARLY") + ["Ani Awal", "ya", ""],
        ],
    )
    write_csv(
        tmp_path,
        "tahapan.csv",
        ["kode_inovasi", "tahap", "tanggal", "catatan"],
        [
            ["PUB", "penetapan", "01/02/2018", "catatan internal rahasia"],
            ["HIDDEN", "penetapan", "01/02/2018", ""],
            ["EARLY", "kajian", "01/02/2018", ""],
        ],
    )
    assert run([tmp_path], write=True).exit_code == 0
    at = app_at(role=None)
    listed = at.dataframe[-1].value
    assert list(listed["Inovasi"]) == ["Inovasi PUB"]
    csv_button = next(b for b in at.get("download_button") if b.proto.label == "Unduh CSV")
    assert csv_button is not None
    from dasbor import charts
    from dasbor.filters import Filters
    from dasbor.queries import publik

    frame = publik.all_rows(Filters(), "", store.current_snapshot())
    raw = charts.csv_bytes(frame).decode("utf-8-sig")
    assert raw.startswith("kode_inovasi,") and "nama_pengusul" not in raw
    for secret in ("Siti Pengusul", "Budi Rahasia", "Ani Awal", "catatan internal", "HIDDEN", "EARLY"):
        assert secret not in raw
    assert "'=HYPERLINK" in raw
    totals = publik.totals(Filters())
    assert int(totals.usulan) == 3  # everything counted, only public rows listed


def test_kelola_data_uploads_a_broken_file_shows_the_report_and_loads_good_rows(sample_data, tmp_path):
    at = app_at("pages/7_kelola_data.py", role="admin")
    assert not at.exception
    body = "\n".join(
        [
            ";".join(INOVASI_HEADER),
            ";".join(inovasi_row("UPL-1", kode_wilayah="73.15")),
            ";".join(inovasi_row("UPL-2", tanggal="31/02/2020")),
        ]
    ).encode()
    at.file_uploader[0].upload("inovasi.csv", body, "text/csv").run()
    assert not at.exception
    report = at.dataframe[1].value
    assert list(report["Baris"]) == [3] and list(report["Kolom"]) == ["tanggal_usulan"]
    load_button = next(b for b in at.button if b.label.startswith("Muat"))
    load_button.click().run()
    assert not at.exception
    assert store.query("select count(*) n from inovasi where kode_inovasi like 'UPL-%'").n[0] == 1
    history = store.query("select pengguna, ditolak, berkas from muatan order by id desc limit 1").iloc[0]
    assert (
        history.pengguna == "uji_admin"
        and history.ditolak == 1
        and json.loads(history.berkas)[0]["name"] == "inovasi.csv"
    )


def test_kelola_data_names_files_that_are_not_what_they_claim(sample_data):
    at = app_at("pages/7_kelola_data.py", role="admin")
    at.file_uploader[0].upload("laporan.xlsx", b"this is not a workbook", "application/octet-stream").run()
    assert "bukan buku kerja Excel" in at.error[0].value
    assert not at.get("button") or all(not b.label.startswith("Muat") for b in at.button)


def test_kelola_data_keeps_two_uploads_with_the_same_name_apart(sample_data):
    at = app_at("pages/7_kelola_data.py", role="admin")
    one = "\n".join([";".join(INOVASI_HEADER), ";".join(inovasi_row("SAMA-1"))]).encode()
    two = "\n".join([";".join(INOVASI_HEADER), ";".join(inovasi_row("SAMA-2", kode_wilayah="73.15"))]).encode()
    at.file_uploader[0].upload("inovasi.csv", one, "text/csv").upload("inovasi.csv", two, "text/csv").run()
    assert not at.exception
    next(b for b in at.button if b.label.startswith("Muat 2 baris")).click().run()
    assert store.query("select count(*) n from inovasi where kode_inovasi like 'SAMA-%'").n[0] == 2


@pytest.mark.parametrize(
    "page",
    [
        "pages/1_ringkasan.py",
        "pages/2_perbandingan_wilayah.py",
        "pages/3_alur_tahapan.py",
        "pages/4_dampak.py",
        "pages/5_katalog.py",
    ],
)
def test_every_page_draws_for_a_province_account_and_for_a_filtered_deputy(sample_data, page):
    """A scope or a filter sends the pages' queries down another path (joins to inovasi_status) than
    the Deputy's unfiltered default: both must draw."""
    province = store.query(
        "select kode_provinsi k from inovasi_status where tanggal_penerapan is not null "
        "group by 1 order by count(*) desc limit 1"
    ).k[0]
    for at in (
        app_at(page, role="daerah", wilayah=(province,)),
        app_at(page, {"prov": province, "jenis": "digital"}),
    ):
        assert not at.exception, at.exception
        assert not at.error, [e.value for e in at.error]


def test_dampak_and_alur_figures_keep_to_the_viewers_scope(sample_data):
    from dasbor.access import NATIONAL, Viewer
    from dasbor.filters import Filters
    from dasbor.frame import Ctx
    from dasbor.queries import alur, dampak

    province = store.query(
        "select kode_provinsi k from inovasi_status where tanggal_penerapan is not null "
        "group by 1 order by count(*) desc limit 1"
    ).k[0]
    viewer = Viewer("daerah", (province,))
    own = store.query(
        "select count(*) n from evaluasi_terakhir e join inovasi_status s using (kode_inovasi) "
        "where s.kode_provinsi = ?",
        [province],
    ).n[0]
    everywhere = len(dampak.latest_evaluations(Filters(), NATIONAL))
    assert 0 < own < everywhere
    assert len(dampak.latest_evaluations(Filters(), viewer)) == own
    assert len(dampak.latest_evaluations(Filters(provinsi=province), NATIONAL)) == own
    implemented = store.query(
        "select count(*) n from inovasi_status where kode_provinsi = ? and tanggal_penerapan is not null", [province]
    ).n[0]
    assert dampak.survival(Filters(), viewer).jumlah.sum() == implemented
    waits = store.query(
        "select count(*) n from tahap_tunggu t join inovasi_status s using (id_inovasi) "
        "where s.kode_provinsi = ? and t.tahap = 'kajian'",
        [province],
    ).n[0]
    ctx = Ctx("alur", "id", Filters(), viewer)
    assert alur.stage_waits(ctx).set_index("tahap").loc["kajian", "n"] == waits
