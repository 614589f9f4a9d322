"""Liquid rendering edge cases, missing variables, and the HTML body as text."""

from console.people.model import Profile
from console.transactional.html_text import html_to_text
from console.transactional.liquid import render
from console.transactional.preview import customer_data, liquid_context, render_email
from console.transactional.templates import Template, Variant, pick_variant


def missing(result):
    return [m.path for m in result.missing]


def test_missing_variables_are_listed_in_source_order():
    r = render(
        "Hi {{ customer.first_name }}, order {{ trigger.order_id }} ships {{ trigger.carrier }}",
        {"trigger": {"carrier": "UPS"}, "customer": {}},
    )
    assert r.output == "Hi , order  ships UPS"
    assert missing(r) == ["customer.first_name", "trigger.order_id"]


def test_nested_paths_resolve_through_objects_and_arrays():
    data = {"trigger": {"order": {"id": "A-1", "lines": [{"sku": "S1"}]}}}
    r = render(
        "{{ trigger.order.id }} {{ trigger.order.lines[0].sku }} {{ trigger.order.lines[1].sku }} "
        "{{ trigger.order.total.amount }}",
        data,
    )
    assert r.output.split() == ["A-1", "S1"]
    assert missing(r) == ["trigger.order.lines[1].sku", "trigger.order.total.amount"]


def test_loop_variables_are_not_missing_but_the_collection_is():
    source = "{% for item in trigger.items %}{{ item.name }}:{{ forloop.index }} {% endfor %}"
    r = render(source, {"trigger": {"items": [{"name": "Socks"}, {"name": "Hat"}]}})
    assert r.output == "Socks:1 Hat:2 " and r.missing == []
    empty = render(source, {"trigger": {}})
    assert empty.output == "" and missing(empty) == ["trigger.items"]


def test_assign_and_capture_are_local():
    r = render(
        "{% assign n = trigger.qty | plus: 1 %}{% capture who %}{{ customer.name }}{% endcapture %}{{ n }} {{ who }}",
        {"trigger": {"qty": 2}, "customer": {"name": "Ada"}},
    )
    assert r.output == "3 Ada" and r.missing == []


def test_filters_default_upcase_date():
    data = {"trigger": {"when": 1700000000, "name": "ada"}, "customer": {}}
    r = render(
        '{{ customer.first_name | default: "there" | upcase }} {{ trigger.name | upcase }} '
        '{{ trigger.when | date: "%Y-%m-%d" }}',
        data,
    )
    assert r.output == "THERE ADA 2023-11-14"
    (m,) = r.missing
    assert m.path == "customer.first_name" and m.has_default and m.line() == "customer.first_name (default used)"


def test_default_counts_only_when_every_use_has_one():
    r = render('{{ customer.plan | default: "free" }} / {{ customer.plan }}', {"customer": {}})
    assert [(m.path, m.has_default) for m in r.missing] == [("customer.plan", False)]


def test_array_size_first_last_are_properties_not_keys():
    r = render(
        "{{ trigger.items.size }} {{ trigger.items.first }} {{ trigger.items.last }} {{ trigger.tags.size }}",
        {"trigger": {"items": ["a", "b"]}},
    )
    assert r.output.split() == ["2", "a", "b"] and missing(r) == ["trigger.tags.size"]


def test_dynamic_index_resolves_the_inner_path():
    data = {"trigger": {"items": ["x", "y"], "i": 1}}
    assert render("{{ trigger.items[trigger.i] }}", data).missing == []
    r = render("{{ trigger.items[trigger.j] }}", data)
    assert missing(r) == ["trigger.items[trigger.j]", "trigger.j"]


def test_syntax_and_unknown_tag_errors_are_reported_not_raised():
    bad = render("Hi {{ customer.name | }", {})
    assert not bad.ok and "line" not in bad.output and "1:" in bad.error
    tag = render("{% unsubscribe_url %}", {})
    assert "unexpected tag 'unsubscribe_url'" in tag.error


def test_a_runaway_loop_stops_with_an_error_instead_of_hanging():
    r = render("{% for i in (1..10000000) %}x{% endfor %}", {})
    assert not r.ok and "limit" in r.error.lower()


def test_customer_comes_from_the_profile_and_trigger_from_message_data():
    profile = Profile(cio_id="c1", id="u1", email="ada@example.com", attributes={"first_name": "Ada", "plan": "pro"})
    context = liquid_context({"plan": "trigger-plan"}, customer_data(profile, {"email": "ada@example.com"}))
    r = render(
        "{{ customer.first_name }} {{ customer.plan }} {{ trigger.plan }} {{ customer.email }} {{ customer.cio_id }}",
        context,
    )
    assert r.output == "Ada pro trigger-plan ada@example.com c1"
    # Without a profile, the person Customer.io creates on send holds only the identifier.
    bare = liquid_context({}, customer_data(None, {"email": "new@example.com"}))
    assert render("{{ customer.email }}|{{ customer.first_name }}", bare).output == "new@example.com|"


def test_render_email_uses_overrides_and_merges_missing_across_parts():
    variant = Variant(
        1,
        "",
        subject="Hi {{ customer.name | default: 'you' }}",
        preheader="{{ trigger.pre }}",
        body="<p>{{ customer.name }} {{ trigger.code }}</p>",
        sender="Acme <a@acme.example>",
    )
    email = render_email(variant, {"customer": {}, "trigger": {"code": "C1"}}, {"subject": "Fixed {{ trigger.code }}"})
    assert email.subject.output == "Fixed C1" and email.text == "C1"
    assert [(m.path, m.has_default) for m in email.missing] == [("trigger.pre", False), ("customer.name", False)]
    assert email.sender == "Acme <a@acme.example>"


def test_pick_variant_by_language_with_fallback_note():
    variants = [Variant(1, ""), Variant(2, "es")]
    assert pick_variant(variants, "es") == (variants[1], None)
    assert pick_variant(variants, None) == (variants[0], None)
    chosen, note = pick_variant(variants, "fr")
    assert chosen is variants[0] and "no 'fr' variant" in note


def test_template_answers_to_id_or_trigger_name():
    t = Template(7, "Welcome email", trigger_name="welcome")
    assert t.answers_to("7") and t.answers_to(7) and t.answers_to("WELCOME") and not t.answers_to("8")


def test_html_to_text_keeps_structure():
    html = """<html><head><title>T</title><style>p{color:red}</style></head><body>
    <h1>Hi Ada,</h1><p>Thanks   for <b>joining</b>.<br>Really.</p>
    <ul><li>Socks</li><li>Hat &amp; scarf</li></ul><ol><li>one</li><li>two</li></ol>
    <p><a href="https://acme.example/o/1">Track it</a> or <a href="mailto:help@acme.example">help@acme.example</a></p>
    <!--[if mso]><p>outlook only</p><![endif]-->
    <table><tr><td>Item</td><td>Price</td></tr><tr><td>Socks</td><td>$5</td></tr></table>
    <img src="logo.png" alt="Acme logo"><script>alert(1)</script></body></html>"""
    assert html_to_text(html) == (
        "Hi Ada,\n\nThanks for joining.\nReally.\n\n- Socks\n- Hat & scarf\n\n1. one\n2. two\n\n"
        "Track it (https://acme.example/o/1) or help@acme.example\n\nItem  Price\nSocks  $5\n[Acme logo]"
    )
    assert html_to_text("") == "" and html_to_text("plain & simple") == "plain & simple"


def test_an_unknown_filter_passes_the_value_through_and_is_listed():
    r = render(
        "Hi {{ customer.name | titlecase | upcase }}, {{ trigger.n | shout: 2 | plus: 1 }}",
        {"customer": {"name": "ann lee"}, "trigger": {"n": 4}},
    )
    assert r.ok and r.output == "Hi ANN LEE, 5"
    assert r.unapplied == ["titlecase", "shout"]
    assert render("{{ 'a' | upcase }}", {}).unapplied == []


def test_unapplied_filters_are_merged_across_the_parts_of_an_email():
    variant = Variant(
        None,
        "",
        subject="{{ customer.name | titlecase }}",
        body="<p>{{ 1 | money }}{{ customer.name | titlecase }}</p>",
        preheader="",
    )
    rendered = render_email(variant, liquid_context({}, {"name": "ann"}))
    assert rendered.unapplied == ["titlecase", "money"] and rendered.errors == []
    assert rendered.subject.output == "ann"
