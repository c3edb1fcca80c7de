"""Files in the sandbox store: chunked uploads, downloads and relations to bills, expenses and others."""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
from typing import Any

from .modules import FILE_REL_TYPES, MAX_CHUNK_CHARS, ApiError, Record, add_error, is_int


class FilesMixin:
    """Mixed into Store; uses its lock, records, file_chunks, stamp(), _get() and _exists()."""

    def _modify_file(self, obj_id: Any, req: Record) -> Record:
        with self.lock:
            rec = self._get("files", obj_id) if obj_id is not None else None
            if "chunk_data" not in req and "chunk_no" not in req:
                if rec is None:
                    raise ApiError(400, {"chunk_data": ["chunk_data is required to upload a file"]})
                for field in ("file_name", "category_id", "file_type", "is_private", "is_public"):
                    if field in req:
                        rec[field] = req[field]
                rec["modified_date"] = self.stamp("files")
                return copy.deepcopy(rec)
            errors: dict[str, list[str]] = {}
            chunk_no, total, size = req.get("chunk_no"), req.get("chunks_total"), req.get("size")
            for field, value in (("chunk_no", chunk_no), ("chunks_total", total), ("size", size)):
                if not is_int(value) or value < (0 if field == "size" else 1):
                    add_error(errors, field, f"{field} must be a positive integer, got {value!r}")
            name = req.get("name")
            if rec is None and (not isinstance(name, str) or not name.strip()):
                add_error(errors, "name", "name is required")
            uploaded_by = req.get("uploaded_by")
            if rec is None and (not is_int(uploaded_by) or self._exists("users", uploaded_by) is None):
                add_error(errors, "uploaded_by", f"uploaded_by must be a user id, got {uploaded_by!r}")
            chunk_data = req.get("chunk_data")
            raw = b""
            if not isinstance(chunk_data, str):
                add_error(errors, "chunk_data", "chunk_data must be a base64 string")
            elif len(chunk_data) > MAX_CHUNK_CHARS:
                add_error(errors, "chunk_data",
                     f"chunk_data is {len(chunk_data)} bytes; the maximum is {MAX_CHUNK_CHARS} bytes per chunk")  # fmt: skip
            else:
                try:
                    raw = base64.b64decode(chunk_data, validate=True)
                except (binascii.Error, ValueError):
                    add_error(errors, "chunk_data", "chunk_data is not valid base64")
            if not errors and chunk_no > total:
                add_error(errors, "chunk_no", f"chunk_no {chunk_no} is greater than chunks_total {total}")
            if errors:
                raise ApiError(400, errors)
            if rec is None and chunk_no != 1:
                # Tolerate clients that send follow-up chunks without the id (matched like Scoro would: by file).
                rec = self._find_pending_upload(name, size, uploaded_by, total)
                if rec is None:
                    raise ApiError(
                        400, {"chunk_no": ["No upload in progress: the first chunk must be chunk_no 1"]}
                    )
            now = self.now()
            if rec is None:
                new_id = self.next_id["files"]
                self.next_id["files"] += 1
                rec = {"file_id": new_id, "file_name": name, "file_size": size, "hash": None,
                       "uploaded_by": uploaded_by, "category_id": req.get("category_id"),
                       "file_type": req.get("file_type") or "other",
                       "is_private": bool(req.get("is_private")), "is_public": False, "relations": {},
                       "chunks_total": total, "chunks_received": 0, "is_complete": False,
                       "created_date": self.stamp("files", now), "deleted_date": None,
                       "is_deleted": False}  # fmt: skip
                self.records["files"][new_id] = rec
                self.file_chunks[new_id] = []
            chunks = self.file_chunks.setdefault(rec["file_id"], [])
            if total != rec["chunks_total"] or size != rec["file_size"]:
                raise ApiError(400, {"chunks_total": ["size/chunks_total differ from the first chunk"]})
            if chunk_no == len(chunks) and chunk_no >= 1:
                chunks[-1] = raw  # re-sent last chunk (client retry after a lost answer): idempotent
            elif chunk_no == len(chunks) + 1:
                chunks.append(raw)
            else:
                raise ApiError(400, {"chunk_no": [f"Expected chunk_no {len(chunks) + 1}, got {chunk_no}"]})
            rec["chunks_received"] = len(chunks)
            if len(chunks) == rec["chunks_total"]:
                content = b"".join(chunks)
                if len(content) != rec["file_size"]:
                    msg = f"Declared size {rec['file_size']} but received {len(content)} bytes"
                    raise ApiError(400, {"size": [msg]})
                rec["is_complete"] = True
                rec["hash"] = hashlib.md5(content).hexdigest()
            rec["modified_date"] = self.stamp("files", now)
            return copy.deepcopy(rec)

    def _find_pending_upload(self, name: Any, size: Any, uploaded_by: Any, total: Any) -> Record | None:
        for rec in self.records["files"].values():
            if (not rec["is_complete"] and not rec["is_deleted"] and rec["file_name"] == name
                    and rec["file_size"] == size and rec["uploaded_by"] == uploaded_by
                    and rec["chunks_total"] == total):  # fmt: skip
                return rec
        return None

    def file_content(self, file_id: Any) -> tuple[Record, bytes]:
        with self.lock:
            rec = self._get("files", file_id)
            if not rec.get("is_complete"):
                raise ApiError(404, f"File {file_id} upload is not complete")
            return copy.deepcopy(rec), b"".join(self.file_chunks.get(file_id, []))

    def file_relation(self, file_id: Any, req: Any, *, add: bool) -> Record:
        if not isinstance(req, dict):
            raise ApiError(400, {"request": ["request must be an object with rel_type and rel_id"]})
        with self.lock:
            rec = self._get("files", file_id)
            rel_type, rel_id = req.get("rel_type"), req.get("rel_id")
            errors: dict[str, list[str]] = {}
            if rel_type not in FILE_REL_TYPES:
                add_error(
                    errors, "rel_type", f"rel_type must be one of {sorted(FILE_REL_TYPES)}, got {rel_type!r}"
                )
            if not is_int(rel_id):
                add_error(errors, "rel_id", f"rel_id must be an integer, got {rel_id!r}")
            elif (
                add and rel_type in FILE_REL_TYPES and self._exists(FILE_REL_TYPES[rel_type], rel_id) is None
            ):
                add_error(errors, "rel_id", f"{rel_type} object {rel_id} does not exist")
            if add and not rec.get("is_complete"):
                add_error(errors, "file_id", "File upload is not complete")
            if errors:
                raise ApiError(400, errors)
            ids: list[int] = rec["relations"].setdefault(rel_type, [])
            if add and rel_id not in ids:
                ids.append(rel_id)  # adding twice is a no-op, so client retries are harmless
            elif not add and rel_id in ids:
                ids.remove(rel_id)
            if not ids:
                rec["relations"].pop(rel_type, None)
            rec["modified_date"] = self.stamp("files")
            return copy.deepcopy(rec)

    def files_for(self, rel_type: str, rel_id: int) -> list[Record]:
        with self.lock:
            return [
                copy.deepcopy(r)
                for r in self.records["files"].values()
                if not r["is_deleted"] and rel_id in (r.get("relations") or {}).get(rel_type, [])
            ]
