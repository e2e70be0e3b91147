/** @odoo-module **/
import { registry } from "@web/core/registry";

// A billing clerk tries the cycle of the 17th (June) as a dry run.
registry.category("web_tour.tours").add("telecom_bill_run_tour", {
    url: "/odoo/action-telecom_billing.telecom_bill_run_action",
    steps: () => [
        {
            content: "A new bill run",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Its date: the first day of the period billed",
            trigger: ".o_field_widget[name=date] input",
            run: "edit 06/17/2025",
        },
        {
            content: "A dry run first",
            trigger: ".o_field_widget[name=dry_run] input",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=billing_day] input:value(17)",
        },
        {
            content: "Start it",
            trigger: "button[name=action_start]:contains(Dry Run)",
            run: "click",
        },
        {
            content: "The accounts are claimed, the jobs are queued",
            trigger: ".o_statusbar_status button[aria-checked=true]:contains(Billing)",
        },
        {
            trigger: ".o_field_widget[name=account_count]:contains(2)",
        },
    ],
});
