"""The bytes of 干部任免审批表 files (:mod:`._lrmx`): a ``.lrmx`` file, or every ``.lrmx`` member of a
zip (member names in GB18030 unless flagged UTF-8), within the size and compression limits here;
an old ``.lrm`` file, an empty, broken or oversized zip is an error (a warning for a zip found in a
folder without ``.lrmx`` files). Every file read is listed with its SHA-256.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._read import Reading

MAX_LRMX_BYTES = 20_000_000          # one file (a photo is typically < 1 MB)
MAX_ZIP_MEMBERS = 50_000
MAX_ZIP_UNCOMPRESSED = 4_000_000_000
MAX_ZIP_RATIO = 200                  # a member more compressed than this (and large) is a bomb


def _member_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _blobs(r: Reading, path: Path, explicit: bool):
    """(label, bytes) of every .lrmx file of ``path`` (a file or a zip); problems listed in r."""
    suffix = path.suffix.lower()
    if suffix == ".lrm":
        r.error(path, None, "文件类型不支持", "旧版任免审批表（.lrm，2.0 格式）不支持："
                "请在任免表编辑器中打开后另存为任免审批表 3.0 格式（.lrmx）再导入")
        return
    size = path.stat().st_size
    if suffix == ".lrmx":
        if size > MAX_LRMX_BYTES:
            r.error(path, None, "超出限制", f"文件有 {size / 1e6:.0f} MB，超过任免审批表文件上限 {MAX_LRMX_BYTES / 1e6:.0f} MB")
            return
        data = path.read_bytes()
        r.files.append(dict(name=str(path), bytes=len(data), sha256=hashlib.sha256(data).hexdigest()))
        yield str(path), data
        return
    try:
        with zipfile.ZipFile(path) as z:
            infos = [i for i in z.infolist() if not i.is_dir()]
            wanted = [i for i in infos if PurePosixPath(_member_name(i)).suffix.lower() == ".lrmx"
                      and not PurePosixPath(_member_name(i)).name.startswith((".", "~$"))]
            if not wanted:
                if explicit:
                    r.error(path, None, "没有数据", "压缩包中没有任免审批表文件（.lrmx）")
                else:
                    r.warn(path, None, "压缩包中没有任免审批表文件（.lrmx），已忽略")
                return
            if len(wanted) > MAX_ZIP_MEMBERS or sum(i.file_size for i in wanted) > MAX_ZIP_UNCOMPRESSED:
                r.error(path, None, "超出限制", f"压缩包中的文件过多或过大（{len(wanted)} 个）")
                return
            r.files.append(dict(name=str(path), bytes=size, sha256=hashlib.sha256(path.read_bytes()).hexdigest()))
            for i in sorted(wanted, key=_member_name):
                label = f"{path}/{_member_name(i)}"
                if i.file_size > MAX_LRMX_BYTES or (i.file_size > 1_000_000 and i.file_size > MAX_ZIP_RATIO * max(i.compress_size, 1)):
                    r.error(label, None, "超出限制", "文件过大或压缩比异常，拒绝读取")
                    continue
                try:
                    yield label, z.read(i)
                except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as e:
                    r.error(label, None, "文件无法打开", f"压缩包中的文件无法读取（{type(e).__name__}；加密的压缩包请先解压）")
    except (zipfile.BadZipFile, EOFError) as e:
        r.error(path, None, "文件无法打开", f"不是有效的 zip 压缩包（{type(e).__name__}）")
