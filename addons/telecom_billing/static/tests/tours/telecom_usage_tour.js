/** @odoo-module **/
import { registry } from "@web/core/registry";

// A billing clerk corrects a rejected usage record and re-processes it, then asks
// why a rated record costs what it costs.
registry.category("web_tour.tours").add("telecom_usage_reject_tour", {
    url: "/odoo/action-telecom_billing.telecom_usage_record_action_rejected",
    steps: () => [
        {
            content: "Open the rejected record",
            trigger: ".o_data_row td[name=source_record_id]:contains(tour-typo)",
            run: "click",
        },
        {
            content: "The reason is shown",
            trigger: ".o_field_widget[name=reason_code]:contains(Malformed number)",
        },
        {
            content: "Correct the called number in the raw line",
            trigger: ".o_field_widget[name=raw] textarea",
            run: "edit tour-typo,+32470000001,voice,2025-03-03T10:00:00Z,61,out,+3221234567,",
        },
        {
            content: "Re-process it",
            trigger: "button[name=action_reprocess]",
            run: "click",
        },
        {
            content: "It is rated now",
            trigger: ".o_notification:contains(1 rated)",
        },
        {
            content: "Back to all usage",
            trigger: ".o_menu_sections a:contains(Usage), .o_menu_sections button:contains(Usage)",
            run: "click",
        },
        {
            trigger: ".dropdown-item:contains(Usage Records)",
            run: "click",
        },
        {
            content: "Remove the 'last 7 days' filter: the usage is from 2025",
            trigger: ".o_searchview .o_facet_remove",
            run: "click",
        },
        {
            trigger: ".o_data_row td[name=source_record_id]:contains(tour-typo)",
            run: "click",
        },
        {
            content: "Ask why it costs what it costs",
            trigger: "button[name=action_explain]",
            run: "click",
        },
        {
            content: "The explanation lists the steps",
            trigger: ".modal .o_field_widget[name=result_html] li:contains(increments)",
        },
        {
            trigger: ".modal .o_field_widget[name=result_amount]:contains(0.00)",
        },
    ],
});
