"""Where a page that moved itself is recorded as having landed (transforms/capture/moves.py)."""

from transforms.capture.moves import landing_key


def test_a_dumps_page_lands_on_a_path_that_is_the_same_on_every_run():
    asked = "http://127.0.0.1:41234/docs/a%20b.html"
    landed = "http://127.0.0.1:41234/docs/c%20d.html?x=1"
    assert landing_key("docs/a b.html", asked, landed) == "docs/c d.html?x=1"


def test_a_page_given_by_url_or_leaving_its_host_lands_on_a_url():
    assert landing_key("https://a.test/p", "https://a.test/p", "https://a.test/q") == "https://a.test/q"
    assert (
        landing_key("p.html", "http://127.0.0.1:5000/p.html", "http://127.0.0.2:5000/q")
        == "http://127.0.0.2:5000/q"
    )
