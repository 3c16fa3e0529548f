"""Writes about a case's handling after filing, one module per part, one public function per action:
transfers (sheets, the business's answer, the consumer's response), appraisal, outcomes, follow_up, escalation.

Each wraps the case's internal transitions (cases.transitions) and adds its own records in the same transaction:
if either part fails, nothing is saved.
"""
