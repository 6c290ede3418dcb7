"""Login with the class's Linux accounts (PAM), under the roster's names.

A student types the 学号 and the password of the Linux account ``<prefix><学号>``
(the teacher's sheet from ``grading hub users``; ``passwd`` in a JupyterLab
terminal changes it).  PAM checks the password, so the server's usual account
tools (passwd, chpasswd, usermod --lock) work as they always do, and nobody
outside the roster can log in, even with a valid Linux account.
"""

from __future__ import annotations

import unicodedata

from jupyterhub.auth import PAMAuthenticator
from traitlets import Dict, default


def normalize_login(name: str) -> str:
    """What the student typed -> the hub user name (full-width digits and letters
    from a Chinese input method become ASCII; case and spaces do not matter).

    >>> normalize_login(" ２０２３００１ ")
    '2023001'
    """
    return unicodedata.normalize("NFKC", name or "").strip().lower()


class CourseAuthenticator(PAMAuthenticator):
    system_names = Dict(help="hub user name -> Linux account (from the class's accounts.json)").tag(config=True)

    @default("open_sessions")
    def _no_sessions(self):
        # pam_systemd and friends are for interactive logins; a spawner is not one
        return False

    def normalize_username(self, username):
        return self.username_map.get(normalize_login(username), normalize_login(username))

    async def authenticate(self, handler, data):
        login = self.normalize_username(data.get("username", ""))
        system = self.system_names.get(login)
        if not system:
            self.log.warning("Login refused: %r is not on the class roster", login[:40])
            return None
        ok = await super().authenticate(handler, {"username": system, "password": data.get("password", "")})
        return login if ok else None

    def system_user_exists(self, user):
        from .accounts import system_user_exists

        return user.name in self.system_names and system_user_exists(self.system_names[user.name])
