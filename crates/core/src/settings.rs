//! User preferences kept in the workspace database.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::CoreError;

/// Language of the interface. Only the preference is stored for now; the zh-CN strings follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum Language {
    /// English.
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Language {
    /// The BCP 47 tag stored in the database and shown by the CLI.
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::ZhCn => "zh-CN",
        }
    }

    /// Parses a BCP 47 tag as written by [`Language::tag`].
    pub fn from_tag(tag: &str) -> Option<Language> {
        match tag {
            "en" => Some(Language::En),
            "zh-CN" => Some(Language::ZhCn),
            _ => None,
        }
    }
}

/// Preferences of one workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct Settings {
    /// Interface language.
    pub language: Language,
    /// Items per page in tile sections and tables.
    pub page_size: u32,
    /// Whether the first-run screen was dismissed.
    pub onboarded: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            language: Language::En,
            page_size: 15,
            onboarded: false,
        }
    }
}

/// Page sizes offered by the console's pagination control.
pub const PAGE_SIZES: [u32; 6] = [6, 10, 15, 25, 50, 100];

/// Database keys of each preference.
pub(crate) const KEY_LANGUAGE: &str = "language";
pub(crate) const KEY_PAGE_SIZE: &str = "page_size";
pub(crate) const KEY_ONBOARDED: &str = "onboarded";

impl Settings {
    /// Checks every field, naming the first one that is out of range.
    pub fn validate(&self) -> Result<(), CoreError> {
        if !PAGE_SIZES.contains(&self.page_size) {
            return Err(CoreError::InvalidInput {
                field: "pageSize".into(),
                reason: format!("must be one of {PAGE_SIZES:?}, got {}", self.page_size),
            });
        }
        Ok(())
    }

    /// Sets one preference from its CLI name and text value (`language zh-CN`, `page-size 25`,
    /// `onboarded true`).
    pub fn set_field(&mut self, name: &str, value: &str) -> Result<(), CoreError> {
        let invalid = |reason: String| CoreError::InvalidInput {
            field: name.into(),
            reason,
        };
        let mut next = self.clone();
        match name {
            "language" => {
                next.language = Language::from_tag(value)
                    .ok_or_else(|| invalid(format!("expected en or zh-CN, got {value:?}")))?;
            }
            "page-size" | "page_size" | "pageSize" => {
                next.page_size = value
                    .parse()
                    .map_err(|_| invalid(format!("expected a whole number, got {value:?}")))?;
            }
            "onboarded" => {
                next.onboarded = value
                    .parse()
                    .map_err(|_| invalid(format!("expected true or false, got {value:?}")))?;
            }
            _ => {
                return Err(invalid(
                    "unknown setting; known: language, page-size, onboarded".into(),
                ))
            }
        }
        next.validate()?;
        *self = next;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn json_shape_is_camel_case_and_strict() {
        let json = serde_json::to_string(&Settings::default()).unwrap();
        assert_eq!(json, r#"{"language":"en","pageSize":15,"onboarded":false}"#);
        let err = serde_json::from_str::<Settings>(
            r#"{"language":"en","pageSize":15,"onboarded":false,"extra":1}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
        let zh: Settings =
            serde_json::from_str(r#"{"language":"zh-CN","pageSize":25,"onboarded":true}"#).unwrap();
        assert_eq!(zh.language, Language::ZhCn);
    }

    #[test]
    fn set_field_parses_and_validates() {
        let mut s = Settings::default();
        s.set_field("language", "zh-CN").unwrap();
        s.set_field("page-size", "25").unwrap();
        s.set_field("onboarded", "true").unwrap();
        assert_eq!(
            s,
            Settings {
                language: Language::ZhCn,
                page_size: 25,
                onboarded: true
            }
        );
        let err = s.set_field("page-size", "7").unwrap_err();
        assert!(err.to_string().contains("pageSize"), "{err}");
        assert_eq!(s.page_size, 25, "a refused value changes nothing");
        assert!(s.set_field("language", "fr").is_err());
        assert!(s.set_field("colour", "blue").is_err());
    }
}
