//! Tests of the Java rules' helpers.

use super::{erased, type_arguments};

#[test]
fn generic_types() {
    assert_eq!(erased("Map<String, List<User>>"), "Map");
    assert_eq!(erased("java.util.HashMap<K, V>"), "HashMap");
    assert_eq!(erased("String[]"), "String");
    assert_eq!(
        type_arguments("Map<String, List<User>>"),
        vec!["String".to_owned(), "List<User>".to_owned()]
    );
}
