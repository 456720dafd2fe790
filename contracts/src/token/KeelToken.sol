// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
import {ERC20PermitUpgradeable} from
    "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20PermitUpgradeable.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IToken} from "../interfaces/erc3643/IToken.sol";
import {IIdentityRegistry} from "../interfaces/erc3643/IIdentityRegistry.sol";
import {IModularCompliance} from "../interfaces/erc3643/IModularCompliance.sol";
import {IKeelCompliance} from "../compliance/interfaces/IKeelCompliance.sol";
import {KeelRoles} from "./KeelRoles.sol";

/// @title KeelToken — Keel's ERC-3643 compatible permissioned token.
/// @notice Every standard movement (transfer, transferFrom, batchTransfer, mint) runs the
/// compliance-transfer path: recipient identity check -> compliance check (token modules
/// in binding order, then the global policy; the first failure reverts) -> balance
/// update -> post-transfer hooks. All or nothing.
/// Forced transfers and recoveries (custodian) bypass freezes and the compliance
/// check but still require a verified recipient and still run the modules' hooks.
///
/// Upgradeability: UUPS. Each asset is its own ERC1967 proxy whose upgrade is
/// authorized by that asset's admin. Compared with a beacon, a UUPS proxy costs one
/// storage read less per call (no beacon lookup) on the hot transfer path, and an
/// upgrade is a per-asset governance decision rather than a fleet-wide switch that
/// every issuer must trust. The same contract also works without a proxy:
/// `new KeelToken(false)` followed by `initialize` (do both in one transaction).
contract KeelToken is
    Initializable,
    ERC20Upgradeable,
    ERC20PermitUpgradeable,
    AccessControlUpgradeable,
    UUPSUpgradeable,
    IToken
{
    using Checkpoints for Checkpoints.Trace208;

    string private constant VERSION = "1.0.0";

    /// @notice Feature flag: record balance and supply checkpoints (clock = timestamp)
    /// for `balanceOfAt` / `totalSupplyAt`. Chosen at initialization; it costs gas on
    /// every movement, so assets that need no history leave it off.
    uint256 public constant FEATURE_HISTORICAL_BALANCES = 1;
    /// @notice Feature flag: ERC-5805 voting (delegation, vote checkpoints). Only token
    /// variants that implement it accept it (`UnsupportedFeatures` otherwise).
    uint256 public constant FEATURE_VOTING = 2;

    error TokenPaused();
    error TokenNotPaused();
    error AddressIsFrozen(address account);
    error InsufficientUnfrozenBalance(address holder, uint256 available, uint256 required);
    error RecipientNotVerified(address recipient);
    error LengthMismatch();
    error ZeroAddress();
    error FreezeExceedsBalance(address holder, uint256 balance, uint256 frozenAfter);
    error InsufficientFrozenTokens(address holder, uint256 frozen, uint256 requested);
    error NothingToRecover(address lostWallet);
    error RecoveryIdentityMismatch(address wallet, address expectedIdentity, address actualIdentity);
    error HistoricalBalancesDisabled();
    error FutureLookup(uint256 timepoint, uint48 clock);
    error UnsupportedFeatures(uint256 features);
    error ExceededCap(uint256 supplyAfter, uint256 cap);
    error InvalidCap(uint256 cap, uint256 supply);

    event MetadataUpdated(bytes32 indexed key, string value);
    event IsinUpdated(string isin);
    event CapSet(uint256 cap);

    struct InitParams {
        string name;
        string symbol;
        uint8 decimals;
        string isin;
        address onchainID;
        address identityRegistry;
        address compliance;
        address admin;
    }

    string private _tokenName;
    string private _tokenSymbol;
    string private _isin;
    uint8 private _tokenDecimals;
    bool private _paused;
    bool private _historicalBalances;
    address private _onchainID;
    IIdentityRegistry private _identityRegistry;
    IKeelCompliance private _compliance;
    mapping(address account => bool) private _frozen;
    mapping(address account => uint256) private _frozenTokens;
    mapping(bytes32 key => string) private _metadata;
    mapping(address account => Checkpoints.Trace208) private _balanceCheckpoints;
    Checkpoints.Trace208 private _supplyCheckpoints;
    uint256 private _cap;

    /// @param asImplementation true when deployed as the implementation behind proxies
    /// (initializers disabled), false for a plain deployment.
    constructor(bool asImplementation) {
        if (asImplementation) _disableInitializers();
    }

    /// @notice Assets deploy paused: the issuer mints and configures, then unpauses.
    function initialize(InitParams calldata p) external initializer {
        _initialize(p, 0);
    }

    /// @notice `initialize` with optional features (FEATURE_* flags, fixed for the asset's life).
    function initializeWithFeatures(InitParams calldata p, uint256 features) external initializer {
        _initialize(p, features);
    }

    function _initialize(InitParams calldata p, uint256 features) private {
        if (p.admin == address(0) || p.identityRegistry == address(0) || p.compliance == address(0)) {
            revert ZeroAddress();
        }
        __ERC20_init(p.name, p.symbol);
        // EIP-2612 permit: only grants an allowance; the later transferFrom runs the full
        // compliance path. The EIP-712 domain keeps the name given at initialization.
        __ERC20Permit_init(p.name);
        __AccessControl_init();
        _tokenName = p.name;
        _tokenSymbol = p.symbol;
        _tokenDecimals = p.decimals;
        _isin = p.isin;
        _onchainID = p.onchainID;
        _paused = true;
        _initFeatures(features);
        _grantRole(DEFAULT_ADMIN_ROLE, p.admin);
        _identityRegistry = IIdentityRegistry(p.identityRegistry);
        emit IdentityRegistryAdded(p.identityRegistry);
        _compliance = IKeelCompliance(p.compliance);
        _compliance.bindToken(address(this));
        emit ComplianceAdded(p.compliance);
        emit UpdatedTokenInformation(p.name, p.symbol, p.decimals, VERSION, p.onchainID);
        emit Paused(msg.sender);
    }

    // ---------------------------------------------------------------- ERC-20 surface

    function transfer(address to, uint256 amount) public override(ERC20Upgradeable, IERC20) returns (bool) {
        if (_paused) revert TokenPaused();
        _checkedTransfer(msg.sender, to, amount);
        return true;
    }

    /// @notice The allowance is checked (and spent) before anything else; then the
    /// movement runs the same path as `transfer`.
    function transferFrom(address from, address to, uint256 amount)
        public
        override(ERC20Upgradeable, IERC20)
        returns (bool)
    {
        _spendAllowance(from, msg.sender, amount);
        if (_paused) revert TokenPaused();
        _checkedTransfer(from, to, amount);
        return true;
    }

    /// @notice Each item is its own checked movement; one failure reverts the batch.
    function batchTransfer(address[] calldata toList, uint256[] calldata amounts) external {
        if (toList.length != amounts.length) revert LengthMismatch();
        if (_paused) revert TokenPaused();
        for (uint256 i = 0; i < toList.length; ++i) {
            _checkedTransfer(msg.sender, toList[i], amounts[i]);
        }
    }

    function name() public view override(ERC20Upgradeable, IToken) returns (string memory) {
        return _tokenName;
    }

    function symbol() public view override(ERC20Upgradeable, IToken) returns (string memory) {
        return _tokenSymbol;
    }

    function decimals() public view override(ERC20Upgradeable, IToken) returns (uint8) {
        return _tokenDecimals;
    }

    // ---------------------------------------------------------------- supply

    function mint(address to, uint256 amount) public onlyRole(KeelRoles.SUPPLY_MANAGEMENT_ROLE) {
        _issue(to, amount, true);
    }

    /// @notice Burning more than the free balance unfreezes the difference first.
    function burn(address userAddress, uint256 amount) public onlyRole(KeelRoles.SUPPLY_MANAGEMENT_ROLE) {
        _releaseFrozenFor(userAddress, amount);
        _destroy(userAddress, amount);
    }

    function batchMint(address[] calldata toList, uint256[] calldata amounts) external {
        if (toList.length != amounts.length) revert LengthMismatch();
        for (uint256 i = 0; i < toList.length; ++i) {
            mint(toList[i], amounts[i]);
        }
    }

    function batchBurn(address[] calldata userAddresses, uint256[] calldata amounts) external {
        if (userAddresses.length != amounts.length) revert LengthMismatch();
        for (uint256 i = 0; i < userAddresses.length; ++i) {
            burn(userAddresses[i], amounts[i]);
        }
    }

    // ---------------------------------------------------------------- custodian

    /// @notice Moves tokens without the holder's approval, ignoring freezes and the
    /// compliance check. The recipient must still be verified; module hooks still run.
    function forcedTransfer(address from, address to, uint256 amount)
        public
        onlyRole(KeelRoles.CUSTODIAN_ROLE)
        returns (bool)
    {
        if (!_identityRegistry.isVerified(to)) revert RecipientNotVerified(to);
        _releaseFrozenFor(from, amount);
        _update(from, to, amount);
        _compliance.transferred(from, to, amount);
        return true;
    }

    function batchForcedTransfer(address[] calldata fromList, address[] calldata toList, uint256[] calldata amounts)
        external
    {
        if (fromList.length != toList.length || toList.length != amounts.length) revert LengthMismatch();
        for (uint256 i = 0; i < fromList.length; ++i) {
            forcedTransfer(fromList[i], toList[i], amounts[i]);
        }
    }

    /// @notice Moves the whole balance of a lost wallet, with its frozen amount and
    /// frozen status, to a new wallet registered to the same identity.
    function recoveryAddress(address lostWallet, address newWallet, address investorOnchainID)
        external
        onlyRole(KeelRoles.CUSTODIAN_ROLE)
        returns (bool)
    {
        uint256 balance = balanceOf(lostWallet);
        if (balance == 0) revert NothingToRecover(lostWallet);
        IIdentityRegistry ir = _identityRegistry;
        address newId = address(ir.identity(newWallet));
        if (newId != investorOnchainID || investorOnchainID == address(0)) {
            revert RecoveryIdentityMismatch(newWallet, investorOnchainID, newId);
        }
        address lostId = address(ir.identity(lostWallet));
        if (lostId != address(0) && lostId != investorOnchainID) {
            revert RecoveryIdentityMismatch(lostWallet, investorOnchainID, lostId);
        }
        if (!ir.isVerified(newWallet)) revert RecipientNotVerified(newWallet);

        uint256 frozenAmount = _frozenTokens[lostWallet];
        if (frozenAmount != 0) {
            _frozenTokens[lostWallet] = 0;
            emit TokensUnfrozen(lostWallet, frozenAmount);
        }
        _update(lostWallet, newWallet, balance);
        if (frozenAmount != 0) {
            _frozenTokens[newWallet] += frozenAmount;
            emit TokensFrozen(newWallet, frozenAmount);
        }
        if (_frozen[lostWallet]) {
            _frozen[newWallet] = true;
            emit AddressFrozen(newWallet, true, msg.sender);
        }
        _compliance.transferred(lostWallet, newWallet, balance);
        emit RecoverySuccess(lostWallet, newWallet, investorOnchainID);
        return true;
    }

    function setAddressFrozen(address userAddress, bool freeze) public onlyRole(KeelRoles.CUSTODIAN_ROLE) {
        _frozen[userAddress] = freeze;
        emit AddressFrozen(userAddress, freeze, msg.sender);
    }

    function freezePartialTokens(address userAddress, uint256 amount) public onlyRole(KeelRoles.CUSTODIAN_ROLE) {
        uint256 frozenAfter = _frozenTokens[userAddress] + amount;
        uint256 balance = balanceOf(userAddress);
        if (frozenAfter > balance) revert FreezeExceedsBalance(userAddress, balance, frozenAfter);
        _frozenTokens[userAddress] = frozenAfter;
        emit TokensFrozen(userAddress, amount);
    }

    function unfreezePartialTokens(address userAddress, uint256 amount) public onlyRole(KeelRoles.CUSTODIAN_ROLE) {
        uint256 frozen = _frozenTokens[userAddress];
        if (amount > frozen) revert InsufficientFrozenTokens(userAddress, frozen, amount);
        _frozenTokens[userAddress] = frozen - amount;
        emit TokensUnfrozen(userAddress, amount);
    }

    function batchSetAddressFrozen(address[] calldata userAddresses, bool[] calldata freeze) external {
        if (userAddresses.length != freeze.length) revert LengthMismatch();
        for (uint256 i = 0; i < userAddresses.length; ++i) {
            setAddressFrozen(userAddresses[i], freeze[i]);
        }
    }

    function batchFreezePartialTokens(address[] calldata userAddresses, uint256[] calldata amounts) external {
        if (userAddresses.length != amounts.length) revert LengthMismatch();
        for (uint256 i = 0; i < userAddresses.length; ++i) {
            freezePartialTokens(userAddresses[i], amounts[i]);
        }
    }

    function batchUnfreezePartialTokens(address[] calldata userAddresses, uint256[] calldata amounts) external {
        if (userAddresses.length != amounts.length) revert LengthMismatch();
        for (uint256 i = 0; i < userAddresses.length; ++i) {
            unfreezePartialTokens(userAddresses[i], amounts[i]);
        }
    }

    // ---------------------------------------------------------------- emergency

    function pause() external onlyRole(KeelRoles.EMERGENCY_ROLE) {
        if (_paused) revert TokenPaused();
        _paused = true;
        emit Paused(msg.sender);
    }

    function unpause() external onlyRole(KeelRoles.EMERGENCY_ROLE) {
        if (!_paused) revert TokenNotPaused();
        _paused = false;
        emit Unpaused(msg.sender);
    }

    // ---------------------------------------------------------------- governance

    function setName(string calldata name_) external onlyRole(KeelRoles.GOVERNANCE_ROLE) {
        _tokenName = name_;
        emit UpdatedTokenInformation(name_, _tokenSymbol, _tokenDecimals, VERSION, _onchainID);
    }

    function setSymbol(string calldata symbol_) external onlyRole(KeelRoles.GOVERNANCE_ROLE) {
        _tokenSymbol = symbol_;
        emit UpdatedTokenInformation(_tokenName, symbol_, _tokenDecimals, VERSION, _onchainID);
    }

    function setOnchainID(address onchainID_) external onlyRole(KeelRoles.GOVERNANCE_ROLE) {
        _onchainID = onchainID_;
        emit UpdatedTokenInformation(_tokenName, _tokenSymbol, _tokenDecimals, VERSION, onchainID_);
    }

    function setIsin(string calldata isin_) external onlyRole(KeelRoles.GOVERNANCE_ROLE) {
        _isin = isin_;
        emit IsinUpdated(isin_);
    }

    /// @notice Free key/value metadata (e.g. "prospectus", "legalEntity").
    function setMetadataValue(bytes32 key, string calldata value) external onlyRole(KeelRoles.GOVERNANCE_ROLE) {
        _metadata[key] = value;
        emit MetadataUpdated(key, value);
    }

    /// @notice Maximum total supply (0 = no cap); never below the current supply.
    function setCap(uint256 cap_) external onlyRole(KeelRoles.GOVERNANCE_ROLE) {
        if (cap_ != 0 && cap_ < totalSupply()) revert InvalidCap(cap_, totalSupply());
        _cap = cap_;
        emit CapSet(cap_);
    }

    function cap() external view returns (uint256) {
        return _cap;
    }

    function setIdentityRegistry(address identityRegistry_) external onlyRole(KeelRoles.GOVERNANCE_ROLE) {
        if (identityRegistry_ == address(0)) revert ZeroAddress();
        _identityRegistry = IIdentityRegistry(identityRegistry_);
        emit IdentityRegistryAdded(identityRegistry_);
    }

    /// @notice Unbinds the current compliance (its modules lose their state for this
    /// token) and binds the new one.
    function setCompliance(address compliance_) external onlyRole(KeelRoles.GOVERNANCE_ROLE) {
        if (compliance_ == address(0)) revert ZeroAddress();
        IKeelCompliance old = _compliance;
        if (address(old) != address(0)) old.unbindToken(address(this));
        _compliance = IKeelCompliance(compliance_);
        IKeelCompliance(compliance_).bindToken(address(this));
        emit ComplianceAdded(compliance_);
    }

    // ---------------------------------------------------------------- views

    function onchainID() public view returns (address) {
        return _onchainID;
    }

    function version() external pure returns (string memory) {
        return VERSION;
    }

    function isin() external view returns (string memory) {
        return _isin;
    }

    function metadataValue(bytes32 key) external view returns (string memory) {
        return _metadata[key];
    }

    function identityRegistry() public view returns (IIdentityRegistry) {
        return _identityRegistry;
    }

    function compliance() external view returns (IModularCompliance) {
        return _compliance;
    }

    function paused() public view returns (bool) {
        return _paused;
    }

    function isFrozen(address userAddress) external view returns (bool) {
        return _frozen[userAddress];
    }

    function getFrozenTokens(address userAddress) external view returns (uint256) {
        return _frozenTokens[userAddress];
    }

    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(IToken).interfaceId || interfaceId == type(IERC20).interfaceId
            || super.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------- historical balances (ERC-6372 clock)

    function clock() public view returns (uint48) {
        return uint48(block.timestamp);
    }

    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() external pure returns (string memory) {
        return "mode=timestamp";
    }

    function historicalBalancesEnabled() external view returns (bool) {
        return _historicalBalances;
    }

    /// @notice Balance at the end of past timestamp `timepoint` (final once it is past).
    function balanceOfAt(address account, uint256 timepoint) external view returns (uint256) {
        return _balanceCheckpoints[account].upperLookupRecent(_pastTimepoint(timepoint));
    }

    /// @notice Total supply at the end of past timestamp `timepoint`.
    function totalSupplyAt(uint256 timepoint) external view returns (uint256) {
        return _supplyCheckpoints.upperLookupRecent(_pastTimepoint(timepoint));
    }

    /// @dev For variants that always record history (set before initialization).
    function _enableHistoricalBalances() internal {
        _historicalBalances = true;
    }

    /// @dev Applies the FEATURE_* flags at initialization. Variants that implement more
    /// features override this, take their bits and pass the rest on.
    function _initFeatures(uint256 features) internal virtual {
        if (features & ~FEATURE_HISTORICAL_BALANCES != 0) revert UnsupportedFeatures(features);
        if (features & FEATURE_HISTORICAL_BALANCES != 0) _historicalBalances = true;
    }

    /// @dev Runs before every mint with the supply the mint would reach. Variants
    /// (e.g. collateral-backed) add their own conditions and call super.
    function _checkMint(uint256 supplyAfter) internal view virtual {
        uint256 cap_ = _cap;
        if (cap_ != 0 && supplyAfter > cap_) revert ExceededCap(supplyAfter, cap_);
    }

    function _pastTimepoint(uint256 timepoint) private view returns (uint48) {
        if (!_historicalBalances) revert HistoricalBalancesDisabled();
        uint48 now_ = clock();
        if (timepoint >= now_) revert FutureLookup(timepoint, now_);
        return uint48(timepoint);
    }

    // ---------------------------------------------------------------- internals

    /// @dev Every balance change (checked, forced, recovery, mint, burn) ends here.
    function _update(address from, address to, uint256 value) internal virtual override {
        super._update(from, to, value);
        if (_historicalBalances) {
            uint48 key = clock();
            if (from != address(0)) _balanceCheckpoints[from].push(key, SafeCast.toUint208(balanceOf(from)));
            if (to != address(0)) _balanceCheckpoints[to].push(key, SafeCast.toUint208(balanceOf(to)));
            if (from == address(0) || to == address(0)) {
                _supplyCheckpoints.push(key, SafeCast.toUint208(totalSupply()));
            }
        }
    }

    /// @dev Mint path: verified recipient, mint conditions (cap, variants' own), the
    /// compliance check unless `checked` is false (contractual issuance such as fees),
    /// balance update, `created` hooks.
    function _issue(address to, uint256 amount, bool checked) internal {
        IKeelCompliance c = _compliance;
        if (!_identityRegistry.isVerified(to)) revert RecipientNotVerified(to);
        _checkMint(totalSupply() + amount);
        if (checked) c.checkTransfer(address(0), to, amount);
        _mint(to, amount);
        c.created(to, amount);
    }

    /// @dev Burn path: balance update, `destroyed` hooks.
    function _destroy(address from, uint256 amount) internal {
        _burn(from, amount);
        _compliance.destroyed(from, amount);
    }

    /// @dev `holder` is not frozen and has `amount` unfrozen tokens.
    function _requireMovable(address holder, uint256 amount) internal view {
        if (_frozen[holder]) revert AddressIsFrozen(holder);
        uint256 balance = balanceOf(holder);
        uint256 frozen = _frozenTokens[holder];
        uint256 available = balance > frozen ? balance - frozen : 0;
        if (amount > available) revert InsufficientUnfrozenBalance(holder, available, amount);
    }

    /// @dev The standard movement path of the compliance-transfer spec.
    function _checkedTransfer(address from, address to, uint256 amount) private {
        _requireMovable(from, amount);
        if (_frozen[to]) revert AddressIsFrozen(to);
        if (!_identityRegistry.isVerified(to)) revert RecipientNotVerified(to);
        IKeelCompliance c = _compliance;
        c.checkTransfer(from, to, amount);
        _update(from, to, amount);
        c.transferred(from, to, amount);
    }

    /// @dev Forced moves and burns may take frozen tokens: unfreeze just what is needed.
    function _releaseFrozenFor(address holder, uint256 amount) private {
        uint256 frozen = _frozenTokens[holder];
        if (frozen == 0) return;
        uint256 balance = balanceOf(holder);
        uint256 free = balance > frozen ? balance - frozen : 0;
        if (amount > free) {
            uint256 release = amount - free;
            if (release > frozen) release = frozen;
            _frozenTokens[holder] = frozen - release;
            emit TokensUnfrozen(holder, release);
        }
    }

    function _authorizeUpgrade(address) internal override onlyRole(DEFAULT_ADMIN_ROLE) {}
}
