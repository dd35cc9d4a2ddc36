from bpsim.errors import BpsimError, ReadError, ScenarioError, UnsafeInputError


def test_error_renders_location_element_and_hint():
    e = ReadError("flow names no target.", file="a.bpmn", line=3, element_id="F1",
                  element_name="Yes", hint="fix the ref.")
    assert str(e) == 'a.bpmn:3: element F1 "Yes": flow names no target. Fix: fix the ref.'
    assert e.exit_code == 2
    assert e.to_dict()["line"] == 3


def test_hierarchy_and_exit_codes():
    assert issubclass(UnsafeInputError, ReadError)
    assert issubclass(ScenarioError, BpsimError)
    assert ScenarioError("x", key="roles.Agent.staff").exit_code == 1
    assert "key roles.Agent.staff" in str(ScenarioError("x", key="roles.Agent.staff"))


def test_atomic_write_is_whole_and_has_normal_permissions(tmp_path):
    import os

    import pytest

    from bpsim._atomic import atomic_path, write_text

    target = write_text(tmp_path / "out.txt", "hello")
    assert target.read_text() == "hello"
    umask = os.umask(0)
    os.umask(umask)
    assert (target.stat().st_mode & 0o777) == (0o666 & ~umask)
    with pytest.raises(RuntimeError):
        with atomic_path(tmp_path / "half.txt") as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash while writing")
    assert not (tmp_path / "half.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
