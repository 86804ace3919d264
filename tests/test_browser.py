


def test_presenter_mode_steps_through_every_slide_at_1280_by_720_without_the_sidebar(
    server: StreamlitServer, browser: Browser
) -> None:
    # A projector's screen: each slide must fit 1280x720; the screenshots are for review.
    with browser.new_context(viewport={"width": 1280, "height": 720}) as room:
        page = room.new_page()
        open_page(page, f"{server.url}/present?slide=1&churn_pct=2.5")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

        for number, slide in enumerate(SLIDES, start=1):
            expect(page.get_by_role("heading", level=1)).to_have_text(slide.title)
            page.wait_for_selector(f"{PLOTLY_CHART} .main-svg", state="attached")
            wait_for_idle(page)
            assert parse_qs(urlsplit(page.url).query)["slide"] == [str(number)]
            assert parse_qs(urlsplit(page.url).query)["churn_pct"] == ["2.5"]
            expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
            assert_no_error_box(page)
            page.mouse.move(0, 0)  # no tooltip in the screenshot
            page.screenshot(path=SCREENSHOTS / f"present-{number}.png")
            if number < len(SLIDES):
                page.get_by_role("button", name="Next →").click()
                page.wait_for_function("(n) => location.search.includes(`slide=${n}`)", arg=number + 1)

        page.get_by_role("button", name="← Back").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(SLIDES[-2].title)
        assert_no_error_box(page)
