"""Product images through the admin: the happy path (upload two, choose the main one, reorder, delete,
srcset on the pages, the served files) and every refused upload, after which no file and no row exist."""
import io
import struct
import zlib

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.admin.models import AdminAction
from app.catalog.models import ProductImage
from app.extensions import db
from tests.factories import log_in, make_product, make_user


@pytest.fixture
def app_config(tmp_path):
    return {"PRODUCT_IMAGE_DIR": str(tmp_path / "product_images")}


@pytest.fixture
def admin_client(app):
    make_user(app, email="boss@example.com", admin=True)
    client = app.test_client()
    log_in(client, email="boss@example.com")
    return client


def picture(fmt="PNG", size=(64, 48), colour=(200, 40, 40), **save_options):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt, **save_options)
    return out.getvalue()


def upload(client, product_id, *files):
    data = {"images": [(io.BytesIO(content), name) for name, content in files]}
    return client.post(f"/admin/products/{product_id}/images", data=data, content_type="multipart/form-data")


def stored_files(app):
    root = app.config["PRODUCT_IMAGE_DIR"]
    import pathlib

    return sorted(p for p in pathlib.Path(root).rglob("*") if p.is_file())


def image_paths(app, product_id):
    with app.app_context():
        return db.session.execute(select(ProductImage.path).where(ProductImage.product_id == product_id)
                                  .order_by(ProductImage.position)).scalars().all()


def image_ids(app, product_id):
    with app.app_context():
        return db.session.execute(select(ProductImage.id).where(ProductImage.product_id == product_id)
                                  .order_by(ProductImage.position)).scalars().all()


def audit_count(app):
    with app.app_context():
        return db.session.execute(select(func.count(AdminAction.id))).scalar_one()


# --- the happy path ---------------------------------------------------------------------------------------

def test_upload_two_choose_main_reorder_delete(app, admin_client):
    product = make_product(app, name="Walnut Desk Lamp", image=False)
    response = upload(admin_client, product.id, ("a.png", picture()), ("b.jpg", picture("JPEG", colour=(0, 90, 200))))
    assert response.status_code == 303
    first, second = image_ids(app, product.id)
    assert all(path.startswith("uploads/") for path in image_paths(app, product.id))
    assert len(stored_files(app)) == 6  # two images, three widths each

    admin_client.post(f"/admin/products/{product.id}/images/{second}/main")
    assert image_ids(app, product.id) == [second, first]
    admin_client.post(f"/admin/products/{product.id}/images/{second}/move", data={"direction": "later"})
    assert image_ids(app, product.id) == [first, second]

    page = admin_client.get(f"/admin/products/{product.id}/images").get_data(as_text=True)
    assert "product.images.reorder" in page and "product.images.main" in page and "product.images.add" in page

    shop_page = app.test_client().get(f"/products/{product.slug}").get_data(as_text=True)
    key = image_paths(app, product.id)[0].removeprefix("uploads/")
    assert f'/media/products/{key}-480.webp 480w' in shop_page and f"{key}-960.webp 960w" in shop_page
    assert 'sizes="(max-width: 520px) 100vw, 480px"' in shop_page
    listing = app.test_client().get("/products").get_data(as_text=True)
    assert f'src="/media/products/{key}-240.webp" srcset="/media/products/{key}-240.webp 240w' in listing

    served = app.test_client().get(f"/media/products/{key}-480.webp")
    assert served.status_code == 200 and served.mimetype == "image/webp"
    assert "immutable" in served.headers["Cache-Control"] and "max-age=31536000" in served.headers["Cache-Control"]
    assert Image.open(io.BytesIO(served.data)).format == "WEBP"

    admin_client.post(f"/admin/products/{product.id}/images/{first}/delete")
    assert image_ids(app, product.id) == [second]
    assert len(stored_files(app)) == 3  # the deleted image's files are gone
    assert app.test_client().get(f"/media/products/{key}-480.webp").status_code == 404


def test_served_files_stay_cacheable_for_a_signed_in_admin(app, admin_client):
    product = make_product(app, image=False)
    upload(admin_client, product.id, ("a.png", picture()))
    key = image_paths(app, product.id)[0].removeprefix("uploads/")
    response = admin_client.get(f"/media/products/{key}-240.webp")
    assert response.status_code == 200 and "no-store" not in response.headers["Cache-Control"]


@pytest.mark.parametrize("name", ["../../etc/passwd", "x.webp", "0" * 32 + "-241.webp", "0" * 32 + "-240.png",
                                  "0" * 32 + "-240.webp"])
def test_media_route_answers_only_our_names(app, name):
    assert app.test_client().get(f"/media/products/{name}").status_code == 404


def test_seeded_placeholder_images_keep_working(app, seeded):
    page = app.test_client().get("/products").get_data(as_text=True)
    assert "/static/img/placeholders/" in page and "srcset" not in page.split('class="product-card"')[1][:400]


def test_orientation_applied_and_metadata_stripped(app, admin_client):
    product = make_product(app, image=False)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "SecretCam Inc."  # Make
    exif[0x0131] = "leaky-software 1.0"  # Software
    original = picture("JPEG", size=(200, 100), exif=exif.tobytes())
    assert upload(admin_client, product.id, ("photo.jpg", original)).status_code == 303
    largest = [p for p in stored_files(app) if p.name.endswith("-960.webp")][0]
    data = largest.read_bytes()
    stored = Image.open(io.BytesIO(data))
    assert stored.size == (100, 200)  # upright: the orientation was applied, not kept as a tag
    assert not stored.getexif() and b"SecretCam" not in data and b"leaky-software" not in data


# --- refused uploads: a clear message, no file, no row -----------------------------------------------------

def assert_refused(app, client, product_id, files, message):
    before_rows, before_audit = image_paths(app, product_id), audit_count(app)
    response = upload(client, product_id, *files)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert "Nothing was uploaded" in response.get_data(as_text=True)
    assert image_paths(app, product_id) == before_rows
    assert audit_count(app) == before_audit
    assert stored_files(app) == []


def test_a_non_image_is_refused(app, admin_client):
    product = make_product(app, image=False)
    html = b"<html><body><script>alert('x')</script></body></html>"
    assert_refused(app, admin_client, product.id, [("cat.jpg", html)], "cat.jpg: The file is not an image")


@pytest.mark.parametrize("fmt", ["BMP", "TIFF"])
def test_a_real_image_in_another_format_is_refused(app, admin_client, fmt):
    product = make_product(app, image=False)
    assert_refused(app, admin_client, product.id, [("pic.png", picture(fmt))], "not an image in a format we accept")


def test_an_svg_is_refused(app, admin_client):
    product = make_product(app, image=False)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9" height="9"/></svg>'
    assert_refused(app, admin_client, product.id, [("logo.svg", svg)], "not an image in a format we accept")


def test_one_bad_file_refuses_the_whole_upload(app, admin_client):
    product = make_product(app, image=False)
    assert_refused(app, admin_client, product.id, [("good.png", picture()), ("bad.gif", b"GIF89a nonsense")],
                   "bad.gif:")


def test_an_oversized_file_is_refused(app, admin_client):
    app.config["PRODUCT_IMAGE_MAX_BYTES"] = 2 * 1024 * 1024
    product = make_product(app, image=False)
    big = picture() + b"\0" * (2 * 1024 * 1024)  # a valid PNG, then padding past the limit
    assert_refused(app, admin_client, product.id, [("big.png", big)], "larger than 2 MB")


def test_a_request_over_the_upload_limit_is_413(app, admin_client):
    app.config.update(PRODUCT_IMAGE_MAX_BYTES=1024 * 1024, PRODUCT_IMAGE_MAX_FILES=1)
    product = make_product(app, image=False)
    response = upload(admin_client, product.id, ("huge.png", b"\0" * (3 * 1024 * 1024)))
    assert response.status_code == 413 and stored_files(app) == []


def test_a_truncated_image_is_refused(app, admin_client):
    product = make_product(app, image=False)
    noisy = Image.effect_noise((300, 300), 64).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, "PNG")
    truncated = out.getvalue()[: len(out.getvalue()) // 2]
    assert_refused(app, admin_client, product.id, [("half.png", truncated)], "damaged or incomplete")


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def test_a_decompression_bomb_is_refused_before_decoding(app, admin_client):
    """A 300-byte PNG that claims 50,000 × 50,000 pixels (2.5 billion: gigabytes once decoded)."""
    product = make_product(app, image=False)
    ihdr = struct.pack(">IIBBBBB", 50_000, 50_000, 1, 0, 0, 0, 0)
    bomb = (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
            + png_chunk(b"IDAT", zlib.compress(b"\0" * 10_000)) + png_chunk(b"IEND", b""))
    assert len(bomb) < 400
    assert_refused(app, admin_client, product.id, [("bomb.png", bomb)], "The image is too large")


def test_the_pixel_limit_is_configurable(app, admin_client):
    app.config["PRODUCT_IMAGE_MAX_PIXELS"] = 100 * 100
    product = make_product(app, image=False)
    assert_refused(app, admin_client, product.id, [("wide.png", picture(size=(200, 100)))],
                   "The image is too large (at most 10,000 pixels)")


def test_an_empty_upload_is_refused(app, admin_client):
    product = make_product(app, image=False)
    response = admin_client.post(f"/admin/products/{product.id}/images", data={})
    assert response.status_code == 422 and "Choose at least one image file" in response.get_data(as_text=True)


# --- polyglots: valid images carrying a script; only re-encoded pixels are stored -------------------------

SCRIPT = b"<script>alert(document.cookie)</script>"


def test_gif_javascript_polyglot_keeps_only_pixels(app, admin_client):
    product = make_product(app, image=False)
    gif = picture("GIF", comment=b"*/=alert(document.cookie);/*" + SCRIPT) + b"\n" + SCRIPT
    assert upload(admin_client, product.id, ("innocent.gif", gif)).status_code == 303
    for path in stored_files(app):
        data = path.read_bytes()
        assert SCRIPT not in data and b"alert" not in data and b"GIF8" not in data
        assert Image.open(io.BytesIO(data)).format == "WEBP"


def test_jpeg_html_polyglot_keeps_only_pixels(app, admin_client):
    product = make_product(app, image=False)
    html = b"<html><body>" + SCRIPT + b"</body></html>"
    jpeg = picture("JPEG", comment=html) + html  # in a COM segment and again after the end-of-image marker
    assert upload(admin_client, product.id, ("photo.jpg", jpeg)).status_code == 303
    for path in stored_files(app):
        data = path.read_bytes()
        assert b"<html" not in data and b"alert" not in data
        assert Image.open(io.BytesIO(data)).format == "WEBP"


def test_image_actions_on_unknown_ids_are_404(app, admin_client):
    product = make_product(app, image=False)
    assert admin_client.post(f"/admin/products/{product.id}/images/999999/main").status_code == 404
    assert admin_client.post(f"/admin/products/{product.id}/images/999999/delete").status_code == 404
    assert admin_client.get("/admin/products/999999/images").status_code == 404
    other = make_product(app)
    [other_image] = image_ids(app, other.id)
    assert admin_client.post(f"/admin/products/{product.id}/images/{other_image}/delete").status_code == 404
    assert image_ids(app, other.id) == [other_image]


class TestWithCsrf:
    """CSRF on: the upload needs the page's token, and the larger upload limit applies before the CSRF
    check reads the form (an upload above the app-wide MAX_CONTENT_LENGTH still gets through)."""

    @pytest.fixture
    def app_config(self, tmp_path):
        return {"PRODUCT_IMAGE_DIR": str(tmp_path / "product_images"), "WTF_CSRF_ENABLED": True}

    def test_a_large_upload_with_the_token_is_stored_and_one_without_is_refused(self, app, admin_client):
        from tests.factories import csrf_token_in

        product = make_product(app, image=False)
        big = picture() + b"\0" * (app.config["MAX_CONTENT_LENGTH"] + 1024 * 1024)  # valid PNG, junk after its end
        assert len(big) < app.config["PRODUCT_IMAGE_MAX_BYTES"]
        page = admin_client.get(f"/admin/products/{product.id}/images").get_data(as_text=True)
        response = admin_client.post(f"/admin/products/{product.id}/images", content_type="multipart/form-data",
                                     data={"csrf_token": csrf_token_in(page), "images": [(io.BytesIO(big), "big.png")]})
        assert response.status_code == 303
        assert len(stored_files(app)) == 3 and all(p.stat().st_size < 50_000 for p in stored_files(app))
        refused = upload(admin_client, product.id, ("a.png", picture()))
        assert refused.status_code == 400 and len(stored_files(app)) == 3


def test_deleting_a_product_removes_its_uploaded_files(app, admin_client):
    product_id = make_product(app, name="Walnut Vase", image=False).id
    assert upload(admin_client, product_id, ("a.png", picture()), ("b.jpg", picture("JPEG"))).status_code == 303
    assert len(stored_files(app)) == 6  # two images, three widths each
    assert admin_client.post(f"/admin/products/{product_id}/remove", data={}).status_code == 303
    assert image_paths(app, product_id) == [] and stored_files(app) == []
