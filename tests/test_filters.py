"""Shared filters: URL round trip, hostile values dropped, and the viewer's scope applied in SQL."""

from __future__ import annotations

from dasbor import store
from dasbor.access import NATIONAL, Viewer
from dasbor.filters import Filters


def test_filters_round_trip_through_the_url():
    f = Filters(
        tahun=(2019, 2023),
        provinsi="71",
        wilayah="71.07",
        sumber=("asn", "masyarakat"),
        jenis=("digital",),
        urusan=("1.02",),
        tahap=("kajian",),
    )
    assert Filters.from_params(f.to_params()) == f


def test_hostile_url_values_are_dropped():
    f = Filters.from_params(
        {
            "jenis": "digital,'); drop table inovasi; --",
            "wil": "71.07' or 1=1",
            "tahun": "2019-2023; select",
            "urusan": "1.02,x",
            "prov": "7",
        }
    )
    assert f == Filters(jenis=("digital",), urusan=("1.02",))


def test_where_binds_every_value():
    sql, params = Filters(wilayah="71.07", jenis=("digital",)).where(NATIONAL)
    assert "71.07" not in sql and "digital" not in sql
    assert params == ["71.07", "digital"]


def test_scope_limits_a_region_user_whatever_the_filters_say(sample_data):
    own = store.query("select kode_wilayah, count(*) n from inovasi group by 1 order by n desc limit 2")
    mine, other = own.kode_wilayah[0], own.kode_wilayah[1]
    viewer = Viewer("daerah", (mine,))
    for filters in (Filters(), Filters(wilayah=other), Filters(provinsi=other.split(".")[0])):
        where, params = filters.where(viewer)
        got = store.query(f"select distinct kode_wilayah from inovasi_status s where {where}", params)
        assert set(got.kode_wilayah) <= {mine}
    where, params = Filters(wilayah=other).where(viewer)
    assert store.query(f"select count(*) n from inovasi_status s where {where}", params).n[0] == 0


def test_a_province_account_covers_its_kabupaten_kota(sample_data):
    prov = store.query("select kode_provinsi k from inovasi_status group by 1 order by count(*) desc limit 1").k[0]
    where, params = Filters().where(Viewer("daerah", (prov,)))
    got = store.query(f"select distinct kode_provinsi from inovasi_status s where {where}", params)
    assert list(got.kode_provinsi) == [prov]


def test_the_public_sees_no_internal_rows(sample_data):
    where, params = Filters().where(Viewer("publik"))
    assert store.query(f"select count(*) n from inovasi_status s where {where}", params).n[0] == 0
