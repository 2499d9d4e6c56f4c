"""The township data package: what it carries and leaves out, its manifest, and the county's check."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from cockpit.cli import main
from cockpit.county.package import MANIFEST, PackageError, verify

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def package(sample_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("pkg")
    db = folder / "db.duckdb"
    shutil.copy2(sample_db, db)
    out = folder / "qingxi-package"
    assert main(["publish", "--out", str(out), "--db", str(db), "--geodata", str(ROOT / "geodata" / "villages.geojson"),
                 "--user", "tester"]) == 0
    return out, db


def test_the_package_holds_the_tables_and_their_manifest(package):
    out, db = package
    doc = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert doc["township"] == {"code": "350781105", "name_zh": "青溪镇", "name_en": "Qingxi Town"}
    assert doc["months"]["first"] == "2024-11" and doc["months"]["last"] == "2026-10" and len(doc["months"]["all"]) == 24
    with duckdb.connect(str(db), read_only=True) as con:
        for name, entry in doc["files"].items():
            if name.endswith(".parquet"):
                assert entry["rows"] == con.execute(f"SELECT count(*) FROM {entry['table']}").fetchone()[0], name
        assert con.execute("SELECT count(*) FROM audit_log WHERE event = 'publish' AND user_name = 'tester'"
                           ).fetchone()[0] == 1
    assert doc["files"]["boundaries.geojson"]["rows"] == 19
    assert verify(out).township_code == "350781105"


def test_nothing_personal_leaves_the_township(package):
    out, _ = package
    cases = pq.read_table(out / "cases.parquet")
    assert not {"summary", "lon", "lat", "citizen_name", "phone", "address"} & set(cases.column_names)
    assert not (out / "case_contacts.parquet").exists()
    assert {"lon", "lat"} <= set(pq.read_table(out / "villages.parquet").column_names)   # public places keep theirs


def _copy(package, tmp_path) -> Path:
    out = tmp_path / "copy"
    shutil.copytree(package[0], out)
    return out


def test_a_tampered_file_is_refused_naming_it(package, tmp_path):
    out = _copy(package, tmp_path)
    with open(out / "coverage.parquet", "ab") as f:
        f.write(b"\0")
    with pytest.raises(PackageError, match="coverage.parquet does not match its checksum"):
        verify(out)


def test_a_wrong_schema_version_or_format_is_refused(package, tmp_path):
    out = _copy(package, tmp_path)
    doc = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    (out / MANIFEST).write_text(json.dumps({**doc, "schema_version": 3}), encoding="utf-8")
    with pytest.raises(PackageError, match="schema version 3"):
        verify(out)
    (out / MANIFEST).write_text(json.dumps({**doc, "format": "something else"}), encoding="utf-8")
    with pytest.raises(PackageError, match="not a cockpit-township-package"):
        verify(out)


def test_a_package_holding_a_personal_field_is_refused(package, tmp_path):
    out = _copy(package, tmp_path)
    with duckdb.connect() as con:
        path = str(out / "cases.parquet")
        con.execute(f"COPY (SELECT *, '138 0000 0000' AS phone FROM read_parquet('{path}')) TO '{path}.new' (FORMAT PARQUET)")
    (out / "cases.parquet.new").replace(out / "cases.parquet")
    doc = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    from cockpit.store.backup import file_sha256   # the manifest made to match: the column itself is refused
    doc["files"]["cases.parquet"].update(bytes=(out / "cases.parquet").stat().st_size,
                                         sha256=file_sha256(out / "cases.parquet"))
    (out / MANIFEST).write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(PackageError, match=r"cases.parquet carries personal data \(phone\)"):
        verify(out)


def test_a_zip_package_and_an_existing_target(package, tmp_path):
    _, db = package
    target = tmp_path / "qingxi.zip"
    assert main(["publish", "--out", str(target), "--zip", "--db", str(db), "--geodata",
                 str(ROOT / "geodata" / "villages.geojson")]) == 0
    assert zipfile.is_zipfile(target) and MANIFEST in zipfile.ZipFile(target).namelist()
    assert verify(target).months[-1] == "2026-10"
    before = target.read_bytes()
    assert main(["publish", "--out", str(target), "--zip", "--db", str(db)]) == 2
    assert target.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".package-")]
