//! A tiny reader for the flow's own HTML (attributes are always double-quoted): forms with
//! what a browser would send as they stand, and the attributes of tags.

pub fn unescape(s: &str) -> String {
    s.replace("&#43;", "+")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
        .replace("&#61;", "=")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&lt;", "<")
        .replace("&#62;", ">")
        .replace("&gt;", ">")
}

/// The attributes of every `<tag ...>` in `html`.
pub fn tags(html: &str, tag: &str) -> Vec<Vec<(String, String)>> {
    let open = format!("<{tag} ");
    html.match_indices(&open)
        .map(|(i, _)| {
            let rest = &html[i + open.len()..];
            let inner = &rest[..rest.find('>').unwrap()];
            let mut attrs = Vec::new();
            let mut s = inner;
            while let Some(eq) = s.find("=\"") {
                let name = s[..eq].trim().rsplit(' ').next().unwrap().to_owned();
                let after = &s[eq + 2..];
                let end = after.find('"').unwrap();
                attrs.push((name, unescape(&after[..end])));
                s = &after[end + 1..];
            }
            attrs
        })
        .collect()
}

pub fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A `<form>` of a page: its action and hidden fields.
#[derive(Clone, Debug)]
pub struct Form {
    pub action: String,
    pub html: String,
    pub fields: Vec<(String, String)>,
}

impl Form {
    pub fn with(mut self, name: &str, value: &str) -> Self {
        self.fields.retain(|(k, _)| k != name);
        self.fields.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The values of the inputs or buttons named `name`, in page order.
    /// The form without the field `name`.
    pub fn without(mut self, name: &str) -> Self {
        self.fields.retain(|(k, _)| k != name);
        self
    }

    pub fn values(&self, tag: &str, name: &str) -> Vec<String> {
        tags(&self.html, tag)
            .iter()
            .filter(|a| attr(a, "name") == Some(name))
            .filter_map(|a| attr(a, "value").map(str::to_owned))
            .collect()
    }
}

/// Every form of a page, with what a browser would send as it stands: hidden and text
/// fields, checked boxes and radios, and textareas.
pub fn forms(body: &str) -> Vec<Form> {
    body.match_indices("<form ")
        .map(|(i, _)| {
            let rest = &body[i..];
            let html = rest[..rest.find("</form>").unwrap()].to_owned();
            let head = &tags(&html, "form")[0];
            let mut fields = Vec::new();
            for (j, _) in html.match_indices("<input ") {
                let raw = &html[j..j + html[j..].find('>').unwrap()];
                let a = &tags(&html[j..], "input")[0];
                let (Some(name), value) = (attr(a, "name"), attr(a, "value").unwrap_or_default())
                else {
                    continue;
                };
                let send = match attr(a, "type") {
                    Some("checkbox" | "radio") => raw.contains(" checked"),
                    _ => true,
                };
                if send {
                    fields.push((name.to_owned(), value.to_owned()));
                }
            }
            for (j, _) in html.match_indices("<textarea ") {
                let a = &tags(&html[j..], "textarea")[0];
                let inner = &html[j..];
                let start = inner.find('>').unwrap() + 1;
                let end = inner.find("</textarea>").unwrap();
                fields.push((
                    attr(a, "name").unwrap().to_owned(),
                    unescape(&inner[start..end]),
                ));
            }
            Form {
                action: attr(head, "action").unwrap().to_owned(),
                html,
                fields,
            }
        })
        .collect()
}

pub fn form(body: &str, action: &str) -> Form {
    forms(body)
        .into_iter()
        .find(|f| f.action == action)
        .unwrap_or_else(|| panic!("no form posting to {action} in:\n{body}"))
}
