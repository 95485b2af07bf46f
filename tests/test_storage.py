"""One contract for every evidence store: the local disk and S3 over HTTP (moto's server)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from portfolio.security import content_security_policy
from portfolio.storage import LocalStore, S3Store, make_store
from tests.s3 import S3Server


@pytest.fixture(scope="session")
def s3_server():
    server = S3Server().start()
    yield server
    server.stop()


@pytest.fixture(params=["local", "s3"])
async def store(request, settings, s3_server):
    if request.param == "local":
        chosen = make_store(settings)
        assert isinstance(chosen, LocalStore)
    else:
        chosen = make_store(s3_server.settings(settings, s3_server.new_bucket()))
        assert isinstance(chosen, S3Store)
    yield chosen
    await chosen.close()


async def read(store, key: str) -> bytes:
    return b"".join([chunk async for chunk in store.stream(key)])


async def test_put_stream_list_delete(store, tmp_path):
    source = tmp_path / "source.bin"
    payload = bytes(range(256)) * 4000  # 1 MB: more than one read chunk
    source.write_bytes(payload)
    before = datetime.now(timezone.utc) - timedelta(seconds=5)
    await store.put_file("evidence/7/abc/original.pdf", source, "application/pdf")
    await store.put_file("evidence/7/abc/thumb.jpg", source, "image/jpeg")
    await store.put_file("other/1.txt", source, "text/plain")
    assert await store.exists("evidence/7/abc/original.pdf")
    assert not await store.exists("evidence/7/abc/missing.pdf")
    assert await read(store, "evidence/7/abc/original.pdf") == payload
    listed = await store.objects("evidence/")
    assert sorted(listed) == ["evidence/7/abc/original.pdf", "evidence/7/abc/thumb.jpg"]
    assert all(modified >= before for modified in listed.values())
    await store.delete_keys(["evidence/7/abc/original.pdf", "", "evidence/7/abc/thumb.jpg"])
    assert await store.objects("evidence/") == {}
    await store.delete("evidence/never-was.jpg")  # deleting what is gone is not an error


async def test_keys_are_checked(store, tmp_path):
    source = tmp_path / "x"
    source.write_bytes(b"x")
    for bad in ("../escape", "/absolute", "Upper/case", "a//b", "evidence/../../etc/passwd", ""):
        with pytest.raises(ValueError):
            await store.put_file(bad, source, "text/plain")


async def test_direct_urls_only_from_the_bucket_and_short_lived(store, tmp_path):
    source = tmp_path / "photo.jpg"
    source.write_bytes(b"\xff\xd8\xff not really a jpeg")
    await store.put_file("evidence/1/x/original.jpg", source, "image/jpeg")
    url = await store.presigned_get("evidence/1/x/original.jpg", 600, "Résumé photo.jpg", "image/jpeg", "inline")
    if isinstance(store, LocalStore):
        assert url is None and store.local_path("evidence/1/x/original.jpg").read_bytes() == source.read_bytes()
        return
    query = parse_qs(urlparse(url).query)
    assert query["X-Amz-Expires"] == ["60"]  # capped at 60 s whatever was asked
    async with httpx.AsyncClient() as http:
        response = await http.get(url)
    assert response.status_code == 200 and response.content == source.read_bytes()
    assert response.headers["content-type"] == "image/jpeg"
    assert "filename*=UTF-8''R%C3%A9sum%C3%A9%20photo.jpg" in response.headers["content-disposition"]


async def test_a_prefix_keeps_districts_apart(settings, s3_server, tmp_path):
    bucket = s3_server.new_bucket()
    first = make_store(s3_server.settings(settings, bucket, "district-a"))
    second = make_store(s3_server.settings(settings, bucket, "district-b"))
    source = tmp_path / "f"
    source.write_bytes(b"a")
    await first.put_file("evidence/1/a/thumb.jpg", source, "image/jpeg")
    assert list(await first.objects()) == ["evidence/1/a/thumb.jpg"]
    assert await second.objects() == {}
    stored = s3_server.client().list_objects_v2(Bucket=bucket)["Contents"]
    assert [item["Key"] for item in stored] == ["district-a/evidence/1/a/thumb.jpg"]
    await first.close()
    await second.close()


def test_csp_names_the_bucket_only_when_there_is_one(settings, s3_server):
    assert "127.0.0.1" not in content_security_policy(make_store(settings).origin)
    s3 = make_store(s3_server.settings(settings, "any-bucket"))
    assert f"img-src 'self' data: blob: {s3_server.endpoint}" in content_security_policy(s3.origin)
    aws = make_store(dataclasses.replace(settings, storage_url="s3://district-evidence/x", s3_region="us-west-2"))
    assert "https://district-evidence.s3.us-west-2.amazonaws.com" in content_security_policy(aws.origin)
