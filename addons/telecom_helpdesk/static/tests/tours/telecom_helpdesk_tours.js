/** @odoo-module **/
import { registry } from "@web/core/registry";

// A care agent answers a billing dispute: rejected, with the reason the customer reads.
registry.category("web_tour.tours").add("telecom_helpdesk_dispute_tour", {
    url: "/odoo/action-helpdesk_mgmt.helpdesk_ticket_action",
    steps: () => [
        {
            content: "Open the dispute",
            trigger: ".o_data_row td[name=name]:contains(Tour roaming dispute)",
            run: "click",
        },
        {
            content: "The dispute tab",
            trigger: ".o_notebook_headers a[name=telecom_dispute]",
            run: "click",
        },
        {
            content: "The disputed invoice line is listed",
            trigger: ".o_field_widget[name=telecom_dispute_line_ids] .o_data_row:contains(Roaming)",
        },
        {
            content: "Resolve it",
            trigger: "button[name=action_telecom_dispute_resolve]",
            run: "click",
        },
        {
            content: "The customer is not right",
            trigger: ".modal .o_field_widget[name=outcome] input[data-value=reject]",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit The roaming sessions are in the records.",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The dispute is rejected",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Rejected)",
        },
    ],
});

// A care agent opens a fault ticket for a customer's line and sees its SLA.
registry.category("web_tour.tours").add("telecom_helpdesk_new_ticket_tour", {
    url: "/odoo/action-helpdesk_mgmt.helpdesk_ticket_action",
    steps: () => [
        {
            content: "New ticket",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Title",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Tour line dead",
        },
        {
            content: "Category: fault",
            trigger: ".o_field_widget[name=type_id] input",
            run: "edit Fault",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(Fault)",
            run: "click",
        },
        {
            content: "The subscription brings its customer",
            trigger: ".o_field_widget[name=telecom_subscription_id] input",
            run: "edit TOURLINE",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains(S0)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=partner_id] input:value(Tour Customer)",
        },
        {
            content: "What happens",
            trigger: ".o_field_widget[name=description] .odoo-editor-editable",
            run: "editor The line is dead since this morning.",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The SLA runs",
            trigger: ".o_field_widget[name=telecom_sla_status] span:contains(On track)",
        },
    ],
});
