//! Stock levels per warehouse.

use std::collections::HashMap;
use std::sync::Mutex;

pub struct Inventory {
    counts: Mutex<HashMap<String, u32>>,
}

impl Inventory {
    pub fn reserve(&self, sku: &str, quantity: u32) -> u32 {
        let mut counts = self.counts.lock().unwrap();
        let available = counts[sku];
        counts.insert(sku.to_owned(), available - quantity);
        available - quantity
    }

    pub fn parse_quantity(raw: &str) -> u32 {
        raw.trim().parse::<u32>().unwrap()
    }

    pub fn first_sku(skus: &[String]) -> &str {
        &skus[0]
    }
}

pub fn average_stock(levels: &[u32]) -> u32 {
    levels.iter().sum::<u32>() / levels.len() as u32
}
