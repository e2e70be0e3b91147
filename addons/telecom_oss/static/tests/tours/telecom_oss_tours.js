/** @odoo-module **/
import { registry } from "@web/core/registry";

// A network engineer acknowledges an alarm and looks at the customers it hits.
registry.category("web_tour.tours").add("telecom_oss_alarm_tour", {
    url: "/odoo/action-telecom_oss.telecom_alarm_action",
    steps: () => [
        {
            content: "Open the alarm of the OLT",
            trigger: ".o_data_row td[name=element_id]:contains(tour-olt)",
            run: "click",
        },
        {
            // the list has an Acknowledge button per row too: take the form's
            content: "Acknowledge it",
            trigger: ".o_form_view .o_form_statusbar button[name=action_acknowledge]:enabled",
            run: "click",
        },
        {
            content: "The form reloads with the new state (slow on a loaded machine)",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Acknowledged)",
            timeout: 30000,
        },
        {
            content: "Who is hit?",
            trigger: "button[name=action_open_impact]",
            run: "click",
        },
        {
            content: "The fibre customer behind the OLT is listed",
            trigger: ".o_data_row:contains(Tour Fibre Customer)",
        },
    ],
});

// A provisioning operator confirms the technician installed the ONT.
registry.category("web_tour.tours").add("telecom_oss_manual_task_tour", {
    url: "/odoo/action-telecom_oss.telecom_provisioning_task_action",
    steps: () => [
        {
            content: "The installation waits for someone",
            trigger: ".o_data_row:contains(Install the ONT at the customer)",
        },
        {
            content: "Done by hand",
            trigger: ".o_data_row:contains(Install the ONT at the customer) button[name=action_mark_done]",
            run: "click",
        },
        {
            content: "Nothing waits any more",
            trigger: ".o_list_renderer:not(:has(.o_data_row:contains(Install the ONT)))",
        },
    ],
});

// The element tree in the hierarchy view.
registry.category("web_tour.tours").add("telecom_oss_hierarchy_tour", {
    url: "/odoo/action-telecom_oss.telecom_network_element_action?view_type=hierarchy",
    steps: () => [
        {
            content: "The core router is a root of the tree",
            trigger: ".o_hierarchy_node:contains(tour-core)",
        },
        {
            content: "Unfold its children",
            trigger: ".o_hierarchy_node:contains(tour-core) .o_hierarchy_node_button",
            run: "click",
        },
        {
            content: "The aggregation switch below it shows",
            trigger: ".o_hierarchy_node:contains(tour-agg)",
        },
    ],
});
