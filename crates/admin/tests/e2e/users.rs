//! Users (owners only): invitations by email, roles, deactivation ending sessions at once, the
//! last owner kept; password resets by emailed one-time link (single use, 30 minutes); every
//! change audited with who, from where and the request id.

use crate::admin_test;
use crate::common::{PASSWORD, TestApp, link_in, location};
use medspa_core::access::Role;
use std::time::Duration;

admin_test!(clinic:
    an_invited_user_sets_a_password_from_the_emailed_link,
    roles_change_and_the_last_owner_stays,
    deactivation_ends_sessions_at_once,
    reset_links_work_once_and_expire,
);

async fn an_invited_user_sets_a_password_from_the_emailed_link(app: TestApp) {
    let owner = app.user(Role::Owner, "owner@clinic.example").await;
    let b = app.session_for(owner).await;
    // Bad input: every field named, nothing written.
    let res = b
        .submit(
            "/admin/users/invite",
            "/admin/users/invite",
            &[("name", ""), ("email", "not-an-email"), ("role", "admin")],
        )
        .await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.unwrap();
    for f in ["#name", "#email", "#role"] {
        assert!(html.contains(&format!(r#"href="{f}""#)), "{f}");
    }
    assert_eq!(app.store.users().await.unwrap().len(), 1);

    let res = b
        .submit(
            "/admin/users/invite",
            "/admin/users/invite",
            &[
                ("name", "Iris Calloway"),
                ("email", "iris@clinic.example"),
                ("role", "front_desk"),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/admin/users?m=invited");
    let list = b.get("/admin/users").await.text().await.unwrap();
    assert!(list.contains("Iris Calloway") && list.contains("Invited"));
    // Same email again: a field error.
    let again = b
        .submit(
            "/admin/users/invite",
            "/admin/users/invite",
            &[
                ("name", "Iris C"),
                ("email", "IRIS@clinic.example"),
                ("role", "provider"),
            ],
        )
        .await;
    assert_eq!(again.status(), 422);

    let mails = app.mail.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(mails[0].to, ["iris@clinic.example"]);
    let text = mails[0].text().unwrap();
    let link = link_in(&text);
    assert!(
        link.starts_with(&format!("{}/admin/invite/", app.base)),
        "{link}"
    );
    // The outbox row itself holds no usable link.
    let rows = app.store.outbox_list(None, 10, 0).await.unwrap();
    assert!(
        rows.iter()
            .all(|r| !format!("{r:?}").contains(&link[link.len() - 43..]))
    );

    let path = &link[app.base.len()..];
    let invitee = app.browser();
    let page = invitee.get(path).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("iris@clinic.example"));
    // The same password rule as everywhere.
    let token = invitee.csrf(path).await;
    let weak = invitee
        .post_with(path, &token, &[("password", "password1234")])
        .await;
    assert_eq!(weak.status(), 422);
    let ok = invitee
        .post_with(path, &token, &[("password", PASSWORD)])
        .await;
    assert_eq!(location(&ok), "/admin/login?m=password_set");
    assert_eq!(
        invitee
            .sign_in("iris@clinic.example", PASSWORD)
            .await
            .status(),
        303
    );
    // Front desk: the day yes, users no.
    assert_eq!(invitee.get("/admin").await.status(), 200);
    assert_eq!(invitee.get("/admin/users").await.status(), 403);
    // The link died with its use.
    assert_eq!(app.browser().get(path).await.status(), 404);
    let audit = app.store.audit_entries(None, 50).await.unwrap();
    let invite = audit.iter().find(|r| r.action == "user.invite").unwrap();
    assert_eq!(invite.actor, format!("user:{owner}"));
    assert!(invite.detail.contains("front_desk"));
    assert!(
        !invite.detail.contains("iris"),
        "no contact details in the audit log"
    );
    assert!(audit.iter().any(|r| r.action == "user.accept_invite"));
}

async fn roles_change_and_the_last_owner_stays(app: TestApp) {
    let owner = app.user(Role::Owner, "owner@clinic.example").await;
    let provider = app.user(Role::Provider, "provider@clinic.example").await;
    let b = app.session_for(owner).await;
    let page = format!("/admin/users/{owner}");
    let res = b
        .submit(
            &page,
            &format!("/admin/users/{owner}/role"),
            &[("role", "provider")],
        )
        .await;
    assert_eq!(res.status(), 422, "the only owner cannot step down");
    assert!(res.text().await.unwrap().contains("only owner"));
    let res = b
        .submit(&page, &format!("/admin/users/{owner}/deactivate"), &[])
        .await;
    assert_eq!(res.status(), 422, "nor be deactivated");

    let p = format!("/admin/users/{provider}");
    let res = b
        .submit(
            &p,
            &format!("/admin/users/{provider}/role"),
            &[("role", "owner")],
        )
        .await;
    assert_eq!(location(&res), format!("/admin/users/{provider}?m=role"));
    let res = b
        .submit(
            &p,
            &format!("/admin/users/{provider}/role"),
            &[("role", "superuser")],
        )
        .await;
    assert_eq!(res.status(), 422);
    // Now two owners: the first may step down.
    let res = b
        .submit(
            &page,
            &format!("/admin/users/{owner}/role"),
            &[("role", "front_desk")],
        )
        .await;
    assert_eq!(res.status(), 303);
    // ... and immediately loses the users page.
    assert_eq!(b.get("/admin/users").await.status(), 403);
    let audit = app
        .store
        .audit_entries(Some(("user", &provider.to_string())), 10)
        .await
        .unwrap();
    let change = audit
        .iter()
        .find(|r| r.action == "user.change_role")
        .unwrap();
    assert!(
        change.detail.contains(r#""before":{"role":"provider"}"#),
        "{}",
        change.detail
    );
    assert!(change.detail.contains(r#""after":{"role":"owner"}"#));
    assert!(change.request_id.is_some() && change.ip.is_some());
}

async fn deactivation_ends_sessions_at_once(app: TestApp) {
    let owner = app.user(Role::Owner, "owner@clinic.example").await;
    let provider = app.user(Role::Provider, "provider@clinic.example").await;
    let theirs = app.browser();
    assert_eq!(
        theirs
            .sign_in("provider@clinic.example", PASSWORD)
            .await
            .status(),
        303
    );
    assert_eq!(theirs.get("/admin").await.status(), 200);
    let b = app.session_for(owner).await;
    let confirm = b.get(&format!("/admin/users/{provider}/deactivate")).await;
    assert_eq!(confirm.status(), 200);
    assert!(
        confirm
            .text()
            .await
            .unwrap()
            .contains("This ends every session")
    );
    let res = b
        .submit(
            &format!("/admin/users/{provider}/deactivate"),
            &format!("/admin/users/{provider}/deactivate"),
            &[],
        )
        .await;
    assert_eq!(location(&res), "/admin/users?m=deactivated");
    assert_eq!(
        location(&theirs.get("/admin").await),
        "/admin/login",
        "session ended at once"
    );
    let res = theirs.sign_in("provider@clinic.example", PASSWORD).await;
    assert_eq!(res.status(), 422, "cannot sign in again");
    assert!(
        b.get("/admin/users")
            .await
            .text()
            .await
            .unwrap()
            .contains("Deactivated")
    );
}

async fn reset_links_work_once_and_expire(app: TestApp) {
    app.user(Role::Provider, "provider@clinic.example").await;
    let b = app.browser();
    // Unknown addresses get the same answer and no email.
    let res = b
        .submit(
            "/admin/forgot",
            "/admin/forgot",
            &[("email", "nobody@clinic.example")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let answer = "If that address belongs to an account, we have emailed it a link";
    assert!(res.text().await.unwrap().contains(answer));
    let res = b
        .submit(
            "/admin/forgot",
            "/admin/forgot",
            &[("email", "provider@clinic.example")],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert!(
        res.text().await.unwrap().contains(answer),
        "the same answer"
    );
    let mails = app.mail.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(mails.len(), 1, "only the real account got mail");
    let link = link_in(&mails[0].text().unwrap());
    let path = link[app.base.len()..].to_owned();
    assert!(path.starts_with("/admin/reset/"));

    let token = b.csrf(&path).await;
    let res = b.post_with(&path, &token, &[("password", "short")]).await;
    assert_eq!(res.status(), 422);
    let new_password = "quiet harbour lamp seven";
    let res = b
        .post_with(&path, &token, &[("password", new_password)])
        .await;
    assert_eq!(location(&res), "/admin/login?m=password_set");
    // Used once: the link is dead, the old password too.
    assert_eq!(b.get(&path).await.status(), 404);
    assert_eq!(
        b.post_with(&path, &token, &[("password", "another fine passphrase")])
            .await
            .status(),
        404
    );
    assert_eq!(
        b.sign_in("provider@clinic.example", PASSWORD)
            .await
            .status(),
        422
    );
    assert_eq!(
        b.sign_in("provider@clinic.example", new_password)
            .await
            .status(),
        303
    );

    // A second link expires after 30 minutes.
    let c = app.browser();
    c.submit(
        "/admin/forgot",
        "/admin/forgot",
        &[("email", "provider@clinic.example")],
    )
    .await;
    let mails = app.mail.wait_for(2, Duration::from_secs(10)).await;
    let link = link_in(&mails[1].text().unwrap());
    let path = link[app.base.len()..].to_owned();
    app.advance_minutes(29);
    assert_eq!(c.get(&path).await.status(), 200, "29 minutes: still valid");
    app.advance_minutes(2);
    assert_eq!(c.get(&path).await.status(), 404, "31 minutes: expired");
    let token = c.csrf("/admin/forgot").await;
    assert_eq!(
        c.post_with(&path, &token, &[("password", "yet another passphrase")])
            .await
            .status(),
        404
    );
}
