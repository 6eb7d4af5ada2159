"""The lawyers' preview page: sample listing (the page itself is templates/preview and static/)."""
