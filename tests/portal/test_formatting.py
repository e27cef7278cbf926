"""Numbers as French readers read them: one helper for pages, messages and the command line."""

from portal.formatting import NBSP, file_size, thousands


def test_file_sizes_read_in_french():
    assert file_size(0) == f"0{NBSP}Ko"
    assert file_size(300) == f"1{NBSP}Ko"
    assert file_size(850 * 1024) == f"850{NBSP}Ko"
    assert file_size(1536 * 1024) == f"1,5{NBSP}Mo"
    assert file_size(20 * 1048576) == f"20{NBSP}Mo"
    assert thousands(110000) == "110\u202f000"


def test_the_resource_size_message_reads_correctly(admin_client, app):
    from tests.conftest import csrf_token

    # Below the test client's 500 KB spooling, which would leave a temporary file for the garbage collector.
    app.config["MAX_RESOURCE_BYTES"] = 100 * 1024
    token = csrf_token(admin_client, "/admin/resources/new")
    big = b"%PDF-1.4\n" + b"0" * (150 * 1024)
    response = admin_client.post(
        "/admin/resources/new",
        data={"csrf_token": token, "title": "Gros fichier", "kind": "slides", "language": "fr", "file": (__import__("io").BytesIO(big), "gros.pdf")},
        content_type="multipart/form-data",
    )
    text = response.get_data(as_text=True)
    assert f"Le fichier pèse 150{NBSP}Ko ; 100{NBSP}Ko au plus." in text  # no stray comma after « au plus »
