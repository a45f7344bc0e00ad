import hashlib
import sys
import types

import pytest

from agent.errors import ModelError
from agent.generate.modelfile import BundledModel, assemble, resolve_model


def _spec(parts, sha):
    return BundledModel("t", "t.gguf", "fake_part_mod", "fake-part", "1.0", len(parts), sha)


@pytest.fixture
def fake_parts(tmp_path, monkeypatch):
    blobs = [b"GGUF" + b"a" * 10, b"b" * 7, b"c" * 3]
    for i, blob in enumerate(blobs, start=1):
        path = tmp_path / f"part{i}.bin"
        path.write_bytes(blob)
        mod = types.ModuleType(f"fake_part_mod{i}")
        mod.get_part_path = lambda p=path: str(p)
        monkeypatch.setitem(sys.modules, f"fake_part_mod{i}", mod)
    return blobs


def test_assemble_concatenates_in_order_and_caches(tmp_path, fake_parts):
    whole = b"".join(fake_parts)
    spec = _spec(fake_parts, hashlib.sha256(whole).hexdigest())
    out = assemble(spec, tmp_path / "models")
    assert out.path.read_bytes() == whole
    mtime = out.path.stat().st_mtime_ns
    assert assemble(spec, tmp_path / "models").path.stat().st_mtime_ns == mtime


def test_wrong_hash_leaves_nothing(tmp_path, fake_parts):
    spec = _spec(fake_parts, "0" * 64)
    with pytest.raises(ModelError, match="sha256"):
        assemble(spec, tmp_path / "models")
    assert [p for p in (tmp_path / "models").iterdir() if p.suffix != ".lock"] == []


def test_missing_part_names_the_package(tmp_path, fake_parts, monkeypatch):
    monkeypatch.delitem(sys.modules, "fake_part_mod2")
    with pytest.raises(ModelError, match=r"part 2 of 3 is not installed \(package fake-part2==1.0\)"):
        assemble(_spec(fake_parts, "0" * 64), tmp_path / "models")


def test_user_gguf_paths(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        resolve_model(str(tmp_path / "missing.gguf"), tmp_path)
    txt = tmp_path / "notes.gguf"
    txt.write_text("hello")
    with pytest.raises(ModelError, match="not a GGUF"):
        resolve_model(str(txt), tmp_path)
    good = tmp_path / "m.gguf"
    good.write_bytes(b"GGUF1234")
    assert resolve_model(str(good), tmp_path).sha256 == hashlib.sha256(b"GGUF1234").hexdigest()
