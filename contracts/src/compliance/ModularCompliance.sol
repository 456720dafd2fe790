// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {IKeelCompliance} from "./interfaces/IKeelCompliance.sol";
import {IGlobalCompliance} from "./interfaces/IGlobalCompliance.sol";
import {ModuleList} from "./ModuleList.sol";
import {ActivityMarker} from "../system/ActivityMarker.sol";
import {KeelRoles} from "../token/KeelRoles.sol";

/// @title ModularCompliance — the compliance engine bound to one token.
/// @notice Evaluates the token's modules in binding order, then the system's global
/// compliance; the first rejection reverts with `ComplianceModuleRejected(module, reason)`.
/// The compliance manager adds, removes, reorders and configures modules; a new module
/// kind needs no change here. Removing a module, or unbinding the token, starts a new
/// epoch in the module: its config and state for this engine are gone.
contract ModularCompliance is Initializable, AccessControlUpgradeable, UUPSUpgradeable, ModuleList, IKeelCompliance {
    error OnlyBoundToken(address caller);
    error TokenAlreadyBound(address token);
    error NotBoundToken(address token);
    error Unauthorized(address caller);

    event GlobalComplianceSet(address indexed globalCompliance);

    address private _token;
    IGlobalCompliance private _global;

    constructor(bool asImplementation) {
        if (asImplementation) _disableInitializers();
    }

    /// @param admin gets DEFAULT_ADMIN_ROLE and COMPLIANCE_MANAGER_ROLE.
    /// @param globalCompliance_ system-wide policy (address(0): none).
    function initialize(address admin, address globalCompliance_) external initializer {
        __AccessControl_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(KeelRoles.COMPLIANCE_MANAGER_ROLE, admin);
        _global = IGlobalCompliance(globalCompliance_);
        emit GlobalComplianceSet(globalCompliance_);
    }

    modifier onlyToken() {
        if (msg.sender != _token) revert OnlyBoundToken(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- binding

    /// @notice Callable by the compliance manager, or by the token itself while no
    /// token is bound (a token binds itself when its compliance is set).
    function bindToken(address token) external {
        if (_token != address(0)) revert TokenAlreadyBound(_token);
        if (msg.sender != token && !hasRole(KeelRoles.COMPLIANCE_MANAGER_ROLE, msg.sender)) {
            revert Unauthorized(msg.sender);
        }
        _token = token;
        emit TokenBound(token);
    }

    function unbindToken(address token) external {
        if (token != _token || token == address(0)) revert NotBoundToken(token);
        if (msg.sender != token && !hasRole(KeelRoles.COMPLIANCE_MANAGER_ROLE, msg.sender)) {
            revert Unauthorized(msg.sender);
        }
        _token = address(0);
        _resetModules();
        emit TokenUnbound(token);
    }

    function setGlobalCompliance(address globalCompliance_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _global = IGlobalCompliance(globalCompliance_);
        emit GlobalComplianceSet(globalCompliance_);
    }

    // ---------------------------------------------------------------- modules

    function addModule(address module) external onlyRole(KeelRoles.COMPLIANCE_MANAGER_ROLE) {
        _addModule(module);
        emit ModuleAdded(module);
    }

    function removeModule(address module) external onlyRole(KeelRoles.COMPLIANCE_MANAGER_ROLE) {
        _removeModule(module);
        emit ModuleRemoved(module);
    }

    /// @notice Sets the evaluation order; `order` must list exactly the bound modules.
    function setModuleOrder(address[] calldata order) external onlyRole(KeelRoles.COMPLIANCE_MANAGER_ROLE) {
        _setModuleOrder(order);
        emit ModulesReordered(order);
    }

    function callModuleFunction(bytes calldata callData, address module)
        external
        onlyRole(KeelRoles.COMPLIANCE_MANAGER_ROLE)
    {
        _callModule(callData, module);
        emit ModuleInteraction(module, bytes4(callData[:4]));
    }

    // ---------------------------------------------------------------- transfer path

    function checkTransfer(address from, address to, uint256 amount) external view {
        address token = _token;
        _check(token, from, to, amount);
        IGlobalCompliance g = _global;
        if (_consults(g)) g.checkTransfer(token, from, to, amount);
    }

    function explainTransfer(address from, address to, uint256 amount)
        public
        view
        returns (address module, bytes memory reason)
    {
        address token = _token;
        (module, reason) = _explain(token, from, to, amount);
        if (module == address(0) && address(_global) != address(0)) {
            (module, reason) = _global.explainTransfer(token, from, to, amount);
        }
    }

    function canTransfer(address from, address to, uint256 amount) external view returns (bool) {
        (address module,) = explainTransfer(from, to, amount);
        return module == address(0);
    }

    function transferred(address from, address to, uint256 amount) external onlyToken {
        _hookTransferred(msg.sender, from, to, amount);
        IGlobalCompliance g = _global;
        if (_consults(g)) g.transferred(msg.sender, from, to, amount);
    }

    function created(address to, uint256 amount) external onlyToken {
        _hookCreated(msg.sender, to, amount);
        IGlobalCompliance g = _global;
        if (_consults(g)) g.created(msg.sender, to, amount);
    }

    function destroyed(address from, uint256 amount) external onlyToken {
        _hookDestroyed(msg.sender, from, amount);
        IGlobalCompliance g = _global;
        if (_consults(g)) g.destroyed(msg.sender, from, amount);
    }

    // ---------------------------------------------------------------- views

    function getModules() external view returns (address[] memory) {
        return _moduleAddresses();
    }

    function getTokenBound() external view returns (address) {
        return _token;
    }

    function isModuleBound(address module) external view returns (bool) {
        return _isBound[module];
    }

    function globalCompliance() external view returns (address) {
        return address(_global);
    }

    /// @dev The global policy is called only once it has ever had a module (its activity
    /// marker exists): before that its check cannot reject and its hooks are no-ops, so
    /// skipping it is equivalent and saves a cold call through its proxy per movement.
    function _consults(IGlobalCompliance g) private view returns (bool) {
        return address(g) != address(0) && ActivityMarker.isActive(address(g));
    }

    function _authorizeUpgrade(address) internal override onlyRole(DEFAULT_ADMIN_ROLE) {}
}
