"""Draw the chat support desk as models/chat_desk.bpmn (scenario: models/chat_desk.yaml).

Run it from the repository root::

    python models/build_chat_desk.py          # writes models/chat_desk.bpmn (with DI)

Customers open a chat on the web site or in the app; a Chat agent, who holds several
conversations at once (``concurrency:`` in the scenario), answers. Most chats are solved in
the conversation; the others become a ticket that a Specialist works, one at a time.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # run from a clone without installing bpsim
    sys.path.insert(0, str(HERE.parent))

import bpsim  # noqa: E402
from bpsim.modeling import ProcessBuilder  # noqa: E402


def build() -> bpsim.Process:
    """The chat desk, built in code."""
    desk = ProcessBuilder("Chat support", pool="Chat support desk", id="Process_Chat",
                          pool_id="Participant_Chat")
    chat = desk.lane("Chat agent", id="Lane_ChatAgent")
    spec = desk.lane("Specialist", id="Lane_Specialist")

    web = chat.start("Chat opened on the web site", event="message", id="Start_Web")
    app = chat.start("Chat opened in the app", event="message", id="Start_App")
    answer = chat.user_task("Answer the chat", id="Task_AnswerChat")
    solved = chat.decision("Solved in the chat?", id="Gateway_Solved")
    done = chat.end("Chat closed", id="End_ChatClosed")
    opened = chat.merge(id="Gateway_Opened")
    web >> opened
    app >> opened
    opened >> answer >> solved
    solved.branch("Yes", to=done, id="Flow_SolvedYes")
    work = spec.user_task("Work the ticket", id="Task_WorkTicket")
    solved.branch("No", to=work, id="Flow_SolvedNo")
    closed = spec.end("Ticket solved", id="End_TicketSolved")
    work >> closed
    return desk.process


def main() -> int:
    process = build()
    errors = [f for f in bpsim.validate(process) if f.severity == "error"]
    for f in errors:
        print(f"  {f}")
    path = bpsim.write_bpmn(process, HERE / "chat_desk.bpmn")
    print(f"wrote {path}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
