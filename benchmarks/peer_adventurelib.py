"""The peer game: three rooms and two items in adventurelib, reading commands from stdin.

    python benchmarks/peer_adventurelib.py < commands.txt
"""

from adventurelib import Bag, Item, Room, say, start, when

Room.add_direction("up", "down")

hall = Room("A draughty hall. A kitchen lies north, a study east.")
kitchen = Room("A cold kitchen. The hall is south.")
study = Room("A dusty study. The hall is west.")
hall.north = kitchen
hall.east = study
hall.items = Bag({Item("lamp", "brass lamp")})
kitchen.items = Bag({Item("knife", "blunt knife")})
study.items = Bag()
inventory = Bag()
current = hall


@when("look")
def look():
    say(current)
    if current.items:
        say("You see: " + ", ".join(str(i) for i in current.items))


@when("north", direction="north")
@when("south", direction="south")
@when("east", direction="east")
@when("west", direction="west")
def go(direction):
    global current
    room = current.exit(direction)
    if room is None:
        say("You can't go that way.")
        return
    current = room
    look()


@when("take ITEM")
def take(item):
    obj = current.items.take(item)
    if obj is None:
        say(f"There is no {item} here.")
    else:
        inventory.add(obj)
        say(f"Taken: {obj}.")


@when("drop ITEM")
def drop(item):
    obj = inventory.take(item)
    if obj is None:
        say(f"You aren't carrying the {item}.")
    else:
        current.items.add(obj)
        say("Dropped.")


@when("inventory")
def show_inventory():
    say("You are carrying: " + (", ".join(str(i) for i in inventory) or "nothing"))


if __name__ == "__main__":
    look()
    start(help=False)
