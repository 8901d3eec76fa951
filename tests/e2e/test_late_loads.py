"""A conversation's load that reaches the page late never takes back what the person did meanwhile: a task
sent or a card decided while it loaded stays on screen, with its progress and its answer; a late list of
conversations does not hide one just started."""
from playwright.sync_api import expect

from tests.e2e.flows import LIST, READS, HeldLoad, approval_card, held, send_task
from tests.e2e.test_approvals import sent_subjects
from tests.e2e.test_lost_answers import EMAIL, conversation_in_address, expect_no_live_card
from tests.fake_claude import text, tool_use


def lunch_asked(page, claude) -> str:
    """A conversation with one answered task; its id."""
    claude.reply(text("Lunch is at noon."))
    page.goto(page.app_url)
    send_task(page, "When is lunch?")
    expect(page.locator(".reply")).to_contain_text("Lunch is at noon.")
    return conversation_in_address(page)


def expect_tasks(page, *tasks):
    expect(page.locator(".message.task")).to_have_text([f"You: {task}" for task in tasks])


def test_a_task_sent_while_a_conversation_loads_stays_on_screen(page, claude):
    lunch = lunch_asked(page, claude)
    load = HeldLoad(page)
    page.reload()  # the conversation opens from the address
    before = load.answer()  # as the server has it before the task below
    claude.reply(text("Bring a salad."))
    send_task(page, "What should I bring?")
    expect(page.locator(".reply").last).to_contain_text("Bring a salad.")

    load.deliver(before)

    expect_tasks(page, "When is lunch?", "What should I bring?")
    expect(page.locator(".reply").last).to_contain_text("Bring a salad.")
    assert conversation_in_address(page) == lunch
    page.reload()
    expect_tasks(page, "When is lunch?", "What should I bring?")


def test_a_task_sent_while_a_conversation_opens_from_the_sidebar_goes_to_it_and_stays(page, claude):
    lunch = lunch_asked(page, claude)
    page.get_by_role("button", name="New conversation").click()
    claude.reply(text("Dinner is at seven."))
    send_task(page, "When is dinner?")
    expect(page.locator(".reply")).to_contain_text("Dinner is at seven.")
    load = HeldLoad(page)
    page.get_by_role("button", name="When is lunch?").click()
    before = load.answer()
    expect(page.locator(".run")).to_have_count(0)  # dinner is not shown as where the next task goes
    claude.reply(text("Bring a salad."))
    send_task(page, "What should I bring?")
    expect(page.locator(".reply").last).to_contain_text("Bring a salad.")

    load.deliver(before)

    expect_tasks(page, "When is lunch?", "What should I bring?")
    assert conversation_in_address(page) == lunch
    page.reload()
    expect_tasks(page, "When is lunch?", "What should I bring?")


def test_a_task_s_progress_and_answer_stay_when_a_late_load_shows_it_still_running(page, claude):
    lunch_asked(page, claude)
    load = HeldLoad(page)
    page.get_by_role("button", name="When is lunch?").click()  # opened again from the sidebar
    gate, slow = held([text("Your next meeting is the Q3 review.")])
    claude.reply(tool_use("calendar_list_events", {}))
    claude.respond_with(slow)
    send_task(page, "What is my next meeting?")
    expect(page.locator(".step")).to_contain_text("Looking at your calendar")

    load.deliver()  # answered now, while the task runs

    expect_tasks(page, "When is lunch?", "What is my next meeting?")
    gate.set()
    expect(page.locator(".reply").last).to_contain_text("Your next meeting is the Q3 review.")
    expect(page.get_by_role("button", name="Send", exact=True)).to_be_enabled()


def test_a_card_decided_while_its_conversation_reloads_stays_decided(page, claude, ctx):
    claude.reply(tool_use("gmail_send", EMAIL))
    gate, slow = held([text("Your next meeting is the Q3 review.")])
    claude.respond_with(slow)
    claude.reply(text("Sent."))
    page.goto(page.app_url)
    send_task(page, "Say hi to Bob")
    approval_card(page)
    send_task(page, "What is my next meeting?")
    expect(page.get_by_text("Thinking…")).to_be_visible()
    page.reload()  # the page follows the meeting question without waiting on it
    card = approval_card(page)
    expect(page.get_by_text("Thinking…")).to_be_visible()
    load = HeldLoad(page)
    gate.set()  # the question ends, and the page loads the conversation again to show its answer
    before = load.answer()
    card.get_by_role("button", name="Approve").click()
    hi = page.locator(".run", has_text="Say hi to Bob")
    expect(hi.locator(".reply")).to_contain_text("Sent.")

    load.deliver(before)

    meeting = page.locator(".run", has_text="What is my next meeting?")
    expect(meeting.locator(".reply")).to_contain_text("Your next meeting is the Q3 review.")
    expect(hi.locator(".reply")).to_contain_text("Sent.")
    expect(hi.locator(".approval")).to_contain_text("Approved")
    expect_no_live_card(page)
    assert sent_subjects(ctx).count("Hi") == 1


def test_a_task_s_live_progress_stays_when_a_late_load_shows_an_earlier_task_still_running(page, claude):
    lunch_answered, lunch_answer = held([text("Lunch is at noon.")])
    claude.respond_with(lunch_answer)
    page.goto(page.app_url)
    send_task(page, "When is lunch?")
    expect(page.get_by_text("Thinking…")).to_be_visible()
    load = HeldLoad(page)
    page.reload()
    before = load.answer()  # lunch still running
    lunch_answered.set()
    other = page.context.new_page()  # another tab sees lunch answered: the server has ended that task
    other.goto(page.url)
    expect(other.locator(".reply")).to_contain_text("Lunch is at noon.")
    other.close()
    calendar_asked, ask_calendar = held([tool_use("calendar_list_events", {})])
    claude.respond_with(ask_calendar)
    meeting_answered, meeting_answer = held([text("Your next meeting is the Q3 review.")])
    claude.respond_with(meeting_answer)
    send_task(page, "What is my next meeting?")
    expect(page.get_by_text("Thinking…")).to_be_visible()

    load.deliver(before)

    expect_tasks(page, "When is lunch?", "What is my next meeting?")
    calendar_asked.set()
    meeting = page.locator(".run", has_text="What is my next meeting?")
    expect(meeting.locator(".step")).to_contain_text("Looking at your calendar")  # live, before the answer
    meeting_answered.set()
    expect(meeting.locator(".reply")).to_contain_text("Your next meeting is the Q3 review.")
    expect(page.locator(".run", has_text="When is lunch?")).to_contain_text("its result appears here when you open")


def test_a_late_list_of_conversations_does_not_hide_the_one_just_started(page, claude):
    page.add_init_script(READS)
    listing = HeldLoad(page, LIST)
    lunch_answered, lunch_answer = held([text("Lunch is at noon.")])
    claude.respond_with(lunch_answer)
    page.goto(page.app_url)
    before = listing.answer()  # no conversation yet
    send_task(page, "When is lunch?")
    # Listed once the task has started; its answer is held, so no other list is on its way.
    expect(page.locator("#conversation-list button")).to_have_text(["When is lunch?"])

    listing.deliver_and_see_it_read(before)

    expect(page.locator("#conversation-list button")).to_have_text(["When is lunch?"])
    lunch_answered.set()
    expect(page.locator(".reply")).to_contain_text("Lunch is at noon.")
