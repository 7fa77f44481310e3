; Filled by the hazard pass.
