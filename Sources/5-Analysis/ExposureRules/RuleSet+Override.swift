extension RuleSet {
    /// This set with `other`'s rules replacing rules of the same id (in place) or appended:
    /// how `--rules DIR` adds to or overrides the shipped rules.
    public func overridden(by other: RuleSet) -> RuleSet {
        var rules = self.rules
        for rule in other.rules {
            if let i = rules.firstIndex(where: { $0.id == rule.id }) { rules[i] = rule } else { rules.append(rule) }
        }
        return RuleSet(rules: rules)
    }
}
