"""simple-salesforce, unmodified, against the simulator: describes, SOQL with query_more and
query_all past one 2000-row batch, SOSL, record writes, sObject Collections and Composite
through `restful`, limits and the usage header, and its own error types.

simple-salesforce has no web server flow of its own and the simulator has no username-password
flow, so the token comes from the web server flow (PKCE) scripted with requests, and the client
is built as its users build one from an OAuth token: Salesforce(instance_url=, session_id=).

Needs SIM_LOGIN_URL (the simulator's production login host) and, since simple-salesforce only
speaks https, REQUESTS_CA_BUNDLE naming the simulator's certificate; `run.sh` sets both. The
simulator must seed 700 accounts (2100 contacts): `sim-config.json`.
"""

import base64
import hashlib
import os
import secrets
import unittest
from urllib.parse import parse_qs, urlparse

import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceMalformedRequest,
    SalesforceResourceNotFound,
)

LOGIN = os.environ["SIM_LOGIN_URL"]
CONTACTS = 2100
# The simulator's seeded confidential app and administrator (salesforce-sim/README.md).
CLIENT_ID = "sofie-sim-client"
CLIENT_SECRET = "sofie-sim-secret"
CALLBACK = "http://localhost:3000/api/integrations/callback/salesforce"
ADMIN = ("admin@acme.sim", "admin-pass-1")
STANDARD_USER = ("standard@acme.sim", "standard-pass-1")


def control(path):
    answer = requests.post(f"{LOGIN}/__sim/{path}", timeout=10)
    assert answer.status_code == 200, f"{path}: {answer.text}"


def sign_in(user=ADMIN):
    """The web server flow as a browser and a server do it: the sign-in form, then the code
    exchange at the token endpoint. Returns the token response."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": CALLBACK,
        "scope": "api refresh_token",
        "state": "simple-salesforce-compat",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    authorize = f"{LOGIN}/services/oauth2/authorize"
    assert requests.get(authorize, params=params, timeout=10).status_code == 200
    form = dict(params, username=user[0], password=user[1], approve="true")
    answer = requests.post(authorize, data=form, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    callback = parse_qs(urlparse(answer.headers["Location"]).query)
    assert callback["state"] == ["simple-salesforce-compat"]
    token = requests.post(
        f"{LOGIN}/services/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": callback["code"][0],
            "redirect_uri": CALLBACK,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "code_verifier": verifier,
        },
        timeout=10,
    )
    assert token.status_code == 200, token.text
    return token.json()


def client(token):
    return Salesforce(instance_url=token["instance_url"], session_id=token["access_token"])


class SimpleSalesforce(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        control("reset")
        cls.sf = client(sign_in())

    def test_describe_global_and_describe_account(self):
        names = {o["name"] for o in self.sf.describe()["sobjects"]}
        self.assertTrue({"Account", "Contact", "Opportunity", "Quality_Issue__c"} <= names)
        account = self.sf.Account.describe()
        self.assertEqual(account["name"], "Account")
        external = [f for f in account["fields"] if f["name"] == "External_Id__c"]
        self.assertTrue(external and external[0]["externalId"])
        self.assertEqual(self.sf.Account.metadata()["objectDescribe"]["name"], "Account")

    def test_query_and_query_more(self):
        first = self.sf.query("SELECT Id, LastName FROM Contact")
        self.assertEqual(
            (first["totalSize"], len(first["records"]), first["done"]), (CONTACTS, 2000, False)
        )
        rest = self.sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
        self.assertEqual((len(rest["records"]), rest["done"]), (CONTACTS - 2000, True))
        # A locator is used once (Salesforce's rule), so the bare-locator form gets its own query.
        again = self.sf.query("SELECT Id, LastName FROM Contact")
        locator = again["nextRecordsUrl"].rsplit("/", 1)[1]
        self.assertEqual(self.sf.query_more(locator)["records"], rest["records"])
        ids = {r["Id"] for r in first["records"] + rest["records"]}
        self.assertEqual(len(ids), CONTACTS, "no record twice")

    def test_query_all_follows_every_batch(self):
        everything = self.sf.query_all("SELECT Id FROM Contact")
        self.assertEqual((everything["totalSize"], len(everything["records"])), (CONTACTS, CONTACTS))
        self.assertEqual(sum(1 for _ in self.sf.query_all_iter("SELECT Id FROM Contact")), CONTACTS)

    def test_sosl_search(self):
        found = self.sf.search("FIND {Globex} IN NAME FIELDS RETURNING Account(Id, Name)")
        self.assertTrue(found["searchRecords"])
        for record in found["searchRecords"]:
            self.assertEqual(record["attributes"]["type"], "Account")
            self.assertIn("Globex", record["Name"])

    def test_create_get_update_upsert_delete_one_record(self):
        accounts = self.sf.Account
        made = accounts.create({"Name": "simple-salesforce single"})
        self.assertTrue(made["success"])
        self.assertEqual(accounts.update(made["id"], {"Phone": "+1 555 0201"}), 204)
        read = accounts.get(made["id"])
        self.assertEqual((read["Name"], read["Phone"]), ("simple-salesforce single", "+1 555 0201"))
        self.assertEqual(accounts.upsert("External_Id__c/SSF-1", {"Name": "upserted"}), 201)
        self.assertEqual(accounts.upsert("External_Id__c/SSF-1", {"Name": "upserted again"}), 200)
        by_key = accounts.get_by_custom_id("External_Id__c", "SSF-1")
        self.assertEqual(by_key["Name"], "upserted again")
        self.assertEqual(accounts.delete(made["id"]), 204)
        with self.assertRaises(SalesforceResourceNotFound) as gone:
            accounts.get(made["id"])
        self.assertEqual(gone.exception.content[0]["errorCode"], "NOT_FOUND")

    def test_sobject_collections_through_restful(self):
        def account(name, **fields):
            return dict({"attributes": {"type": "Account"}, "Name": name}, **fields)

        made = self.sf.restful(
            "composite/sobjects",
            method="POST",
            json={"allOrNone": True, "records": [account("ssf many 1"), account("ssf many 2")]},
        )
        self.assertTrue(all(r["success"] for r in made), made)
        ids = ",".join(r["id"] for r in made)
        read = self.sf.restful("composite/sobjects/Account", params={"ids": ids, "fields": "Name"})
        self.assertEqual([r["Name"] for r in read], ["ssf many 1", "ssf many 2"])
        changes = [account("ssf changed", id=r["id"]) for r in made]
        changed = self.sf.restful("composite/sobjects", method="PATCH", json={"records": changes})
        self.assertTrue(all(r["success"] for r in changed), changed)
        keyed = [account("ssf keyed", External_Id__c=key) for key in ("SSF-2", "SSF-3")]
        upserted = self.sf.restful(
            "composite/sobjects/Account/External_Id__c", method="PATCH", json={"records": keyed}
        )
        self.assertEqual([r["created"] for r in upserted], [True, True])
        gone = self.sf.restful("composite/sobjects", method="DELETE", params={"ids": ids})
        self.assertTrue(all(r["success"] for r in gone), gone)

    def test_composite_through_restful(self):
        base = f"/services/data/v{self.sf.sf_version}"
        answer = self.sf.restful(
            "composite",
            method="POST",
            json={
                "allOrNone": True,
                "compositeRequest": [
                    {
                        "method": "POST",
                        "url": f"{base}/sobjects/Account",
                        "referenceId": "made",
                        "body": {"Name": "ssf composite"},
                    },
                    {
                        "method": "GET",
                        "url": f"{base}/sobjects/Account/@{{made.id}}?fields=Name",
                        "referenceId": "read",
                    },
                ],
            },
        )
        results = answer["compositeResponse"]
        self.assertEqual([r["httpStatusCode"] for r in results], [201, 200])
        self.assertEqual(results[1]["body"]["Name"], "ssf composite")

    def test_limits_and_the_usage_header(self):
        daily = self.sf.limits()["DailyApiRequests"]
        self.assertEqual(daily["Max"], 15000)
        self.assertLess(daily["Remaining"], 15000)
        used, limit = self.sf.api_usage["api-usage"]
        self.assertEqual(limit, 15000)
        self.assertGreater(used, 0)

    def test_bad_soql_raises_with_salesforces_error_code(self):
        with self.assertRaises(SalesforceMalformedRequest) as bad:
            self.sf.query("SELECT Nope FROM Account")
        self.assertEqual(bad.exception.status, 400)
        self.assertEqual(bad.exception.content[0]["errorCode"], "INVALID_FIELD")
        self.assertIn("No such column 'Nope' on entity 'Account'", bad.exception.content[0]["message"])
        with self.assertRaises(SalesforceMalformedRequest) as malformed:
            self.sf.query("SELECT Id FROM Account WHERE")
        self.assertEqual(malformed.exception.content[0]["errorCode"], "MALFORMED_QUERY")

    def test_a_revoked_session_raises_expired_session(self):
        # Another user's session, so the other tests' session lives on; a session id alone
        # cannot be refreshed.
        sf = client(sign_in(STANDARD_USER))
        control(f"users/{STANDARD_USER[0]}/revoke-tokens")
        with self.assertRaises(SalesforceExpiredSession) as expired:
            sf.query("SELECT Id FROM Account LIMIT 1")
        self.assertEqual(expired.exception.content[0]["errorCode"], "INVALID_SESSION_ID")


if __name__ == "__main__":
    unittest.main(verbosity=2)
