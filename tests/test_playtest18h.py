"""A blind playtest's parser findings: 'crawl on' and 'go on' onward only, 'out' and
'leave' the way back out, 'go back' and 'go up' for the one choice that says so, 'order X
to ...', and the little ones ('help reyes', 'run', the echo). Each on a small story."""

from __future__ import annotations

from conftest import game_of

from adventure.engine.session import Session

DUCT = """\
story:
  id: duct
  title: Duct
  start: crawlway
  state:
    schedule: false
scenes:
  crawlway:
    title: The Crawlway
    text: A duct. The branch leads on to the junction; the grate behind you opens into the quarters.
    things:
      branch:
        name: branch
        description: The branch, dark.
    actions:
      - id: read
        label: Read the schedule
        do: [set schedule]
    exits:
      junction:
        to: junction
        names: [branch, junction]
        label: Crawl on along the branch to the junction
        when: schedule
      quarters:
        to: quarters
        names: [grate, quarters]
        label: Crawl back to the grate under the quarters
  quarters:
    title: The Quarters
    text: Bunks. A door opens on the yard.
    exits:
      yard:
        to: yard
        label: Go out to the yard
      crawlway:
        to: crawlway
        label: Drop into the crawlway
  junction:
    title: The Junction
    text: Humming.
  yard:
    title: The Yard
    text: Dust.
"""


def test_crawl_on_and_go_on_go_onward_only_never_back_or_out(tmp_path):
    s = Session(game_of(tmp_path, DUCT), seed=1)
    for line in ("crawl on", "go on", "keep going", "walk on"):
        said = s.submit(line).text
        assert s.state.scene == "crawlway", line
        assert "The on is" not in said and "can't go that way" in said, (line, said)
    s.submit("crawl back")
    assert s.state.scene == "quarters"
    for line in ("go on", "walk on"):  # "Go out to the yard" says no 'on'
        s.submit(line)
        assert s.state.scene == "quarters", line
    s.submit("drop into the crawlway")
    s.submit("read the schedule")
    s.submit("crawl on")
    assert s.state.scene == "junction"

STUDY = """\
story:
  id: study
  title: Study
  start: hall
scenes:
  hall:
    title: The Antechamber
    text: A gilded room. A door leads to her study; Quark's is down the corridor.
    exits:
      study:
        to: study
        names: [study, door]
        label: Open the study
      quarks:
        to: bar
        names: [bar, quarks, into bar]
        label: Go into Quark's
  study:
    title: The Sealed Room
    text: A console hums.
    exits:
      antechamber:
        to: hall
        names: [door, back]
        label: Go back out to the antechamber
      balcony:
        to: balcony
        names: [narrow door, second door]
        label: Slip out through the narrow door onto the balcony
  balcony:
    title: The Balcony
    text: Wind.
  bar:
    title: Quark's
    text: Noise.
"""


def test_out_leave_and_exit_take_the_one_way_back_out(tmp_path):
    for line in ("out", "leave", "exit", "go out", "get out"):
        folder = tmp_path / line.replace(" ", "_")
        folder.mkdir()
        s = Session(game_of(folder, STUDY), seed=1)
        s.submit("open the study")
        assert s.state.scene == "study"
        s.submit(line)
        assert s.state.scene == "hall", line


def test_the_ways_on_are_named_as_the_player_reads_them(tmp_path):
    s = Session(game_of(tmp_path, STUDY), seed=1)
    said = s.submit("go nowhere").text
    assert said.endswith("From here you can go: study, Quark's."), said
    s.submit("open the study")
    said = s.submit("go nowhere").text
    assert said.endswith("From here you can go: antechamber, balcony."), said

SPACE = """\
story:
  id: space
  title: Space
  start: runabout
scenes:
  runabout:
    title: The Runabout
    text: Warships ahead. The wormhole is behind you.
    actions:
      - id: flee
        label: Turn back toward the wormhole
        to: deck
      - id: hail
        label: Hail the warships
        text: Static.
  deck:
    title: The Promenade
    text: Stairs climb to the upper gallery. Quark's is on the corner.
    exits:
      gallery:
        to: gallery
        names: [upper gallery, stairs]
        label: Climb to the upper gallery
      docking:
        to: runabout
        names: [docking ring]
        label: Give it up and make for the docking ring
  gallery:
    title: The Upper Gallery
    text: Klingons drink.
"""


def test_go_back_picks_the_one_label_that_turns_back(tmp_path):
    for line in ("go back", "back to the wormhole", "head back"):
        folder = tmp_path / line.replace(" ", "_")
        folder.mkdir()
        s = Session(game_of(folder, SPACE), seed=1)
        s.submit(line)
        assert s.state.scene == "deck", line


def test_go_up_takes_the_one_way_whose_label_or_names_say_stairs_or_upper(tmp_path):
    for line in ("go up", "u", "climb up"):
        folder = tmp_path / line.replace(" ", "_")
        folder.mkdir()
        s = Session(game_of(folder, SPACE), seed=1)
        s.submit("turn back")
        s.submit(line)
        assert s.state.scene == "gallery", line

ORDERS = """\
story:
  id: orders
  title: Orders
  start: balcony
scenes:
  balcony:
    title: The Balcony
    text: Two guards hold Julian at the rail. An overseer watches.
    things:
      guards:
        name: guards
        plural: true
        article: the
        pronoun: them
      julian:
        name: Julian
        article: none
        pronoun: him
      overseer:
        name: overseer
        article: the
        pronoun: him
    actions:
      - id: command
        label: Give the guards an order in her voice
        commands: [order guards]
        text: The guards let him go.
      - id: wait
        label: Wait
        text: You wait.
"""


def test_order_someone_anything_picks_the_one_action_that_orders_them(tmp_path):
    s = Session(game_of(tmp_path, ORDERS), seed=1)
    assert s.submit("order the guards to let him go").text == "The guards let him go."
    said = s.submit("order the overseer to stop").text
    assert said == "The overseer takes no orders from you just now.", said

PRICE = """\
story:
  id: price
  title: Price
  start: deck
scenes:
  deck:
    title: The Deck
    text: The overseer drags Reyes toward the cells. Odo watches.
    things:
      reyes:
        name: Reyes
        article: none
        pronoun: her
      odo:
        name: Odo
        article: none
        pronoun: him
        talk: Odo grunts.
    actions:
      - id: rescue
        label: Go after Reyes
        commands: [rescue reyes, free reyes]
        text: You go after her.
      - id: kneel
        label: Kneel by the fallen worker
        text: You kneel.
"""


def test_help_someone_is_helping_them_not_the_commands(tmp_path):
    s = Session(game_of(tmp_path, PRICE), seed=1)
    assert s.submit("help odo").text == "Odo grunts."
    assert s.submit("help reyes").text == "You go after her."
    assert "plain words" in s.submit("help me").text


def test_run_is_a_plain_answer_and_the_unknown_echo_is_as_typed(tmp_path):
    s = Session(game_of(tmp_path, PRICE), seed=1)
    said = s.submit("run").text
    assert said.startswith("There is nowhere to run to from here."), said
    said = s.submit("let julian cross to sisko's ship").text
    assert "'let julian cross to sisko's ship'" in said, said
