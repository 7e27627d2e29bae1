"""Schema migrations, applied in order; meta.schema_version records how far a database has come."""
from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: the cohort engine
    """
    CREATE TABLE groups (
        room TEXT PRIMARY KEY,
        topic TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL,
        course_day INTEGER NOT NULL DEFAULT 0,
        start_date TEXT NOT NULL,
        bound_at TEXT NOT NULL,
        paused INTEGER NOT NULL DEFAULT 0,
        next_due TEXT,
        ack_due TEXT,
        last_ack_at TEXT,
        ack_day INTEGER NOT NULL DEFAULT 0,
        acks_today INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX groups_next_due ON groups(next_due);
    CREATE INDEX groups_ack_due ON groups(ack_due);
    CREATE TABLE history (
        id INTEGER PRIMARY KEY,
        room TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT NOT NULL,
        event TEXT NOT NULL,
        course_day INTEGER NOT NULL,
        ts TEXT NOT NULL,
        actor TEXT
    );
    CREATE INDEX history_room ON history(room);
    CREATE TABLE members (
        room TEXT NOT NULL,
        member TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        joined_at TEXT NOT NULL,
        left_at TEXT,
        PRIMARY KEY (room, member)
    ) WITHOUT ROWID;
    CREATE TABLE inbound (
        id TEXT PRIMARY KEY,
        ts TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE hometowns (
        room TEXT NOT NULL,
        member TEXT NOT NULL,
        province TEXT,
        city TEXT,
        text TEXT NOT NULL,
        ts TEXT NOT NULL,
        acked INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (room, member)
    ) WITHOUT ROWID;
    CREATE TABLE checkins (
        room TEXT NOT NULL,
        member TEXT NOT NULL,
        day INTEGER NOT NULL,
        ts TEXT NOT NULL,
        msg_id TEXT NOT NULL,
        acked INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (room, member, day)
    ) WITHOUT ROWID;
    CREATE TABLE practice (
        room TEXT NOT NULL,
        member TEXT NOT NULL,
        day INTEGER NOT NULL,
        ts TEXT NOT NULL,
        kind TEXT NOT NULL,
        msg_id TEXT NOT NULL,
        acked INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (room, member, day)
    ) WITHOUT ROWID;
    CREATE TABLE graduates (
        room TEXT NOT NULL,
        member TEXT NOT NULL,
        ts TEXT NOT NULL,
        msg_id TEXT NOT NULL,
        acked INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (room, member)
    ) WITHOUT ROWID;
    CREATE TABLE fired (
        room TEXT NOT NULL,
        action TEXT NOT NULL,
        due_at TEXT NOT NULL,
        fired_at TEXT NOT NULL,
        status TEXT NOT NULL,
        PRIMARY KEY (room, action)
    ) WITHOUT ROWID;
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        room TEXT,
        to_id TEXT,
        text TEXT NOT NULL,
        mentions TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        sent_at TEXT,
        status TEXT NOT NULL DEFAULT 'queued',
        error TEXT
    );
    CREATE INDEX outbox_status ON outbox(status, id);
    """,
    # 2: replies to people go before scheduled broadcasts (0 = reply, 1 = broadcast)
    """
    ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX outbox_queue ON outbox(status, priority, id);
    """,
    # 3: the conversion funnel: contacts and their stages, invitations, offers, coupons, surveys, marketing log
    """
    ALTER TABLE outbox ADD COLUMN action TEXT NOT NULL DEFAULT 'say';
    ALTER TABLE outbox ADD COLUMN ref TEXT;
    CREATE TABLE contacts (
        contact TEXT PRIMARY KEY,
        name TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL,
        created_at TEXT NOT NULL,
        opted_out_at TEXT,
        offer_frequency TEXT,
        channel TEXT
    ) WITHOUT ROWID;
    CREATE TABLE funnel (
        id INTEGER PRIMARY KEY,
        contact TEXT NOT NULL,
        stage TEXT NOT NULL,
        room TEXT,
        ts TEXT NOT NULL,
        detail TEXT
    );
    CREATE INDEX funnel_contact ON funnel(contact, stage);
    CREATE TABLE invites (
        contact TEXT NOT NULL,
        room TEXT NOT NULL,
        ts TEXT NOT NULL,
        method TEXT NOT NULL,
        PRIMARY KEY (contact, room)
    ) WITHOUT ROWID;
    CREATE TABLE offers (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        price REAL NOT NULL,
        discount REAL NOT NULL,
        deadline TEXT NOT NULL,
        seats INTEGER NOT NULL,
        link TEXT NOT NULL,
        template TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        closed_at TEXT,
        close_reason TEXT
    ) WITHOUT ROWID;
    CREATE TABLE offer_posts (
        offer TEXT NOT NULL,
        target TEXT NOT NULL,
        kind TEXT NOT NULL,
        ts TEXT NOT NULL,
        PRIMARY KEY (offer, target, kind)
    ) WITHOUT ROWID;
    CREATE TABLE enrollments (
        offer TEXT NOT NULL,
        member TEXT NOT NULL,
        room TEXT,
        ts TEXT NOT NULL,
        by TEXT NOT NULL,
        PRIMARY KEY (offer, member)
    ) WITHOUT ROWID;
    CREATE TABLE coupon_posts (
        coupon TEXT NOT NULL,
        target TEXT NOT NULL,
        ts TEXT NOT NULL,
        PRIMARY KEY (coupon, target)
    ) WITHOUT ROWID;
    CREATE TABLE coupon_claims (
        coupon TEXT NOT NULL,
        member TEXT NOT NULL,
        room TEXT,
        ts TEXT NOT NULL,
        by TEXT NOT NULL,
        PRIMARY KEY (coupon, member)
    ) WITHOUT ROWID;
    CREATE TABLE surveys (
        contact TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        question INTEGER NOT NULL DEFAULT 0,
        started_at TEXT NOT NULL,
        completed_at TEXT
    ) WITHOUT ROWID;
    CREATE TABLE survey_answers (
        contact TEXT NOT NULL,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        ts TEXT NOT NULL,
        PRIMARY KEY (contact, question)
    ) WITHOUT ROWID;
    CREATE TABLE marketing_log (
        id INTEGER PRIMARY KEY,
        target TEXT NOT NULL,
        kind TEXT NOT NULL,
        ts TEXT NOT NULL
    );
    CREATE INDEX marketing_target ON marketing_log(target, ts);
    """,
    # 4: hardened for real groups: a durable inbox (an event is stored before it is processed); replies carry the
    # person they answer and the message (id, text) that asked (limited per person and per room, repeats once); the send window is rebuilt from sent_at after a restart
    """
    CREATE TABLE inbox (
        id INTEGER PRIMARY KEY,
        event TEXT NOT NULL,
        received_at TEXT NOT NULL
    );
    ALTER TABLE outbox ADD COLUMN person TEXT;
    ALTER TABLE outbox ADD COLUMN cause TEXT;
    ALTER TABLE outbox ADD COLUMN asked TEXT;
    CREATE INDEX outbox_person ON outbox(person, created_at) WHERE person IS NOT NULL;
    CREATE INDEX outbox_room_replies ON outbox(room, created_at) WHERE person IS NOT NULL;
    CREATE INDEX outbox_sent_at ON outbox(sent_at) WHERE sent_at IS NOT NULL;
    """,
    # 5: members who said 我毕业啦 before the ceremony (told once when it opens)
    """
    CREATE TABLE early_graduates (
        room TEXT NOT NULL,
        member TEXT NOT NULL,
        ts TEXT NOT NULL,
        PRIMARY KEY (room, member)
    ) WITHOUT ROWID;
    """,
    # 6: friend requests queue for a paced, capped acceptance (one row per contact; accepted_at NULL = waiting)
    """
    CREATE TABLE friend_requests (
        contact TEXT PRIMARY KEY,
        request_id TEXT NOT NULL,
        requested_at TEXT NOT NULL,
        accepted_at TEXT
    ) WITHOUT ROWID;
    CREATE INDEX friend_requests_queue ON friend_requests(accepted_at, requested_at);
    INSERT INTO friend_requests(contact, request_id, requested_at, accepted_at)
        SELECT contact, '', MIN(ts), MIN(ts) FROM funnel WHERE stage = 'friend_added' GROUP BY contact;
    CREATE INDEX invites_ts ON invites(ts);
    """,
    # 7: the daily send budget counts each group's posts of the day (bot/schedule/budget.py)
    """
    CREATE INDEX outbox_room_created ON outbox(room, created_at) WHERE room IS NOT NULL AND to_id IS NULL;
    """,
    # 8: an outgoing message may carry a picture: the PNG's file path (its text is the alt text)
    """
    ALTER TABLE outbox ADD COLUMN image TEXT;
    """,
    # 9: a year of data: the report's grouped queries (funnel stages per room and per person, invitations per
    # room) and retention (received event ids pruned by time)
    """
    CREATE INDEX IF NOT EXISTS funnel_stage ON funnel(stage, room, contact);
    CREATE INDEX IF NOT EXISTS invites_room ON invites(room, contact);
    CREATE INDEX IF NOT EXISTS inbound_ts ON inbound(ts);
    """,
    # 10: several WeChat accounts in one deployment: the account that sends each message, that owns each group
    # (is in it) and that each person befriended or first met ('' = the only account of a deployment without an
    # accounts file); each account's sender reads its own queue in sending order
    """
    ALTER TABLE outbox ADD COLUMN account TEXT NOT NULL DEFAULT '';
    ALTER TABLE groups ADD COLUMN account TEXT NOT NULL DEFAULT '';
    ALTER TABLE contacts ADD COLUMN account TEXT NOT NULL DEFAULT '';
    CREATE INDEX outbox_account_queue ON outbox(account, status, priority, id);
    """,
    # 11: a scheduled post keeps the calendar's time it was due (spread posts are queued after it): lateness is
    # counted from it
    """
    ALTER TABLE outbox ADD COLUMN due_at TEXT;
    """,
]


def current_version() -> int:
    """The schema version this code writes."""
    return len(MIGRATIONS)
