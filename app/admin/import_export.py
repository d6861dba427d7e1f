"""Import / export: the product CSV upload (check or import) and the streamed CSV downloads of
products and of orders in a date range."""
import os
import tempfile
from datetime import date, timedelta

from flask import Response, current_app, flash, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user

from app.admin import bp
from app.admin.audit import actions_for, recorder_for
from app.auth.decorators import admin_required
from app.catalog.csv_export import product_rows
from app.catalog.csv_import import ImportFailed, check_import, run_import
from app.ops.csv_stream import csv_lines
from app.ops.security import accepts_uploads
from app.orders.csv_export import InvalidDateRange, order_rows, parse_date_range


def _page(report=None, dry_run=False, file_name="", export_error=None, status=200):
    today = date.today()
    dates = {"start": request.args.get("start") or (today - timedelta(days=30)).isoformat(),
             "end": request.args.get("end") or today.isoformat()}
    return render_template("admin/import_export.html", report=report, dry_run=dry_run, file_name=file_name,
                           export_error=export_error, dates=dates,
                           max_mb=current_app.config["CSV_IMPORT_MAX_BYTES"] // (1024 * 1024),
                           actions=actions_for("catalog", "products", limit=10)), status


@bp.get("/import")
@admin_required
def import_export():
    return _page()


@bp.post("/import")
@accepts_uploads
@admin_required
def import_products():
    upload = request.files.get("file")
    dry_run = request.form.get("action") != "import"
    if upload is None or not upload.filename:
        flash("Choose a CSV file to import.", "error")
        return _page(status=422)
    handle, path = tempfile.mkstemp(prefix="product-import-", suffix=".csv")
    os.close(handle)
    try:
        upload.save(path)
        try:
            report = (check_import(path) if dry_run
                      else run_import(path, record_action=recorder_for(current_user), source_name=upload.filename))
        except ImportFailed as failed:
            report = failed.report
    finally:
        os.unlink(path)
    if report.applied:
        flash(f"Imported {upload.filename}: {report.created} created, {report.updated} updated, "
              f"{report.unchanged} unchanged.", "info")
        return redirect(url_for("admin.import_export"), 303)
    return _page(report=report, dry_run=dry_run, file_name=upload.filename, status=200 if report.ok else 422)


def _csv_download(rows, file_name):
    response = Response(stream_with_context(csv_lines(rows)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@bp.get("/export/products.csv")
@admin_required
def export_products():
    return _csv_download(product_rows(), f"products-{date.today().isoformat()}.csv")


@bp.get("/export/orders.csv")
@admin_required
def export_orders():
    try:
        start, end = parse_date_range(request.args.get("start", ""), request.args.get("end", ""))
    except InvalidDateRange as error:
        return _page(export_error=str(error), status=400)
    return _csv_download(order_rows(start, end), f"orders-{start.isoformat()}-to-{end.isoformat()}.csv")
